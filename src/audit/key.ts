import { readFileSync, statSync } from 'node:fs';
import { EgError } from '../errors.js';
import { keyId } from './chain.js';

/** HMAC-SHA256 gains nothing from keys longer than its block, but shorter than its output would
 *  weaken both the chain and the individual hashes. */
export const MIN_KEY_BYTES = 32;

export interface AuditKey {
  readonly key: Buffer;
  /** Printed in segment headers and by the CLI; never the key itself. */
  readonly id: string;
  /** Things the operator should fix (e.g. a key file others can read). */
  readonly warnings: readonly string[];
}

/**
 * "hex:…", "base64:…", or bare text: hex when it is only hex digits of even length, else base64
 * (standard or URL-safe). Errors name where the key came from, never any part of it.
 */
export function parseAuditKey(text: string, source: string): Buffer {
  const value = text.trim();
  let key: Buffer;
  if (value.startsWith('hex:') || (/^[0-9a-fA-F]+$/.test(value) && value.length % 2 === 0)) {
    const hex = value.replace(/^hex:/, '');
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) throw new EgError('EG_CONFIG_INVALID', `${source}: not valid hex`);
    key = Buffer.from(hex, 'hex');
  } else {
    const b64 = value.replace(/^base64:/, '');
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64)) throw new EgError('EG_CONFIG_INVALID', `${source}: expected hex or base64`);
    key = Buffer.from(b64, b64.includes('-') || b64.includes('_') ? 'base64url' : 'base64');
  }
  if (key.length < MIN_KEY_BYTES) {
    throw new EgError('EG_CONFIG_INVALID', `${source}: the key has ${key.length} bytes; use at least ${MIN_KEY_BYTES} (openssl rand -hex 32)`);
  }
  return key;
}

/**
 * The operator key, from (first that is set) an explicit value, an explicit file, EG_AUDIT_KEY,
 * EG_AUDIT_KEY_FILE. The same key writes the chain, verifies it and hashes individuals, so it
 * must be kept for as long as the trail (3 years at least).
 */
export function loadAuditKey(options: { value?: string; file?: string; env?: NodeJS.ProcessEnv } = {}): AuditKey {
  const env = options.env ?? process.env;
  const warnings: string[] = [];
  const fromFile = (path: string, source: string): Buffer => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
      if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
        warnings.push(`${source} ${path} can be read by other users; chmod 600 it`);
      }
    } catch (err) {
      throw new EgError('EG_CONFIG_INVALID', `${source} ${path}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
    return parseAuditKey(text, `${source} ${path}`);
  };
  let key: Buffer;
  if (options.value !== undefined) key = parseAuditKey(options.value, '--key');
  else if (options.file !== undefined) key = fromFile(options.file, '--key-file');
  else if (env['EG_AUDIT_KEY']) key = parseAuditKey(env['EG_AUDIT_KEY'], 'EG_AUDIT_KEY');
  else if (env['EG_AUDIT_KEY_FILE']) key = fromFile(env['EG_AUDIT_KEY_FILE'], 'EG_AUDIT_KEY_FILE');
  else throw new EgError('EG_CONFIG_INVALID', 'no audit key: set EG_AUDIT_KEY or EG_AUDIT_KEY_FILE, or pass --key-file');
  return { key, id: keyId(key), warnings };
}
