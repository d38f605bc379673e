import { createHmac } from 'node:crypto';
import { canonicalJson } from './canonical.js';

/**
 * The hash chain, shared by the writer and `audit verify`:
 *   hash = HMAC-SHA256(key, prev ‖ canonicalJson(record without "hash")), lowercase hex.
 * `prev` is also inside the record, so it is covered twice; the leading copy keeps the formula
 * the one documented in docs/audit.md even for a reader that hashes records out of context.
 * Labels below are distinct from any record text (which starts with 64 hex chars and "{"), so
 * one operator key serves the chain, the genesis, the key id and individual hashes without
 * any of their HMAC inputs coinciding.
 */

export function keyId(key: Buffer): string {
  return createHmac('sha256', key).update('egress-guard/audit/key-id').digest('hex').slice(0, 16);
}

/** The `prev` of a chain's first record: derived, so it cannot be chosen to splice chains. */
export function genesisHash(key: Buffer, chain: string, start: string): string {
  return createHmac('sha256', key).update(`egress-guard/audit/genesis\0${keyId(key)}\0${chain}\0${start}`).digest('hex');
}

export function recordHash(key: Buffer, record: Readonly<Record<string, unknown>>): string {
  const { hash: _ignored, ...rest } = record;
  const prev = typeof rest['prev'] === 'string' ? rest['prev'] : '';
  return createHmac('sha256', key).update(prev).update(canonicalJson(rest)).digest('hex');
}

/** The line to write for a record (which carries `prev`, not `hash`) and its hash. The line puts
 *  `hash` last; verifiers re-canonicalise, so they need not rely on key order. */
export function sealRecord(key: Buffer, record: Readonly<Record<string, unknown>>): { line: string; hash: string } {
  const body = canonicalJson(record);
  const prev = typeof record['prev'] === 'string' ? record['prev'] : '';
  const hash = createHmac('sha256', key).update(prev).update(body).digest('hex');
  return { line: `${body.slice(0, -1)},"hash":"${hash}"}\n`, hash };
}
