import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyId } from '../../../src/audit/chain.js';
import { loadAuditKey, parseAuditKey } from '../../../src/audit/key.js';
import { tempDir } from './helpers.js';

const RAW = Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7));

describe('audit key', () => {
  it('reads hex and base64, with or without a prefix', () => {
    for (const text of [RAW.toString('hex'), `hex:${RAW.toString('hex')}`, RAW.toString('base64'), `base64:${RAW.toString('base64')}`, RAW.toString('base64url'), `${RAW.toString('hex').toUpperCase()}\n`]) {
      expect(parseAuditKey(text, 'test')).toEqual(RAW);
    }
  });

  it('refuses short keys and garbage without echoing them', () => {
    expect(() => parseAuditKey('abcd', 'EG_AUDIT_KEY')).toThrow(/EG_AUDIT_KEY: the key has 2 bytes; use at least 32/);
    try {
      parseAuditKey('not a key!!', 'EG_AUDIT_KEY');
      expect.unreachable();
    } catch (err) {
      expect(String(err)).not.toContain('not a key');
    }
  });

  it('takes an explicit value, then a file, then EG_AUDIT_KEY, then EG_AUDIT_KEY_FILE', () => {
    const dir = tempDir();
    const file = join(dir, 'key');
    const other = Buffer.alloc(32, 9);
    writeFileSync(file, `${other.toString('hex')}\n`, { mode: 0o600 });
    const env = { EG_AUDIT_KEY: RAW.toString('hex'), EG_AUDIT_KEY_FILE: file };
    expect(loadAuditKey({ env }).key).toEqual(RAW);
    expect(loadAuditKey({ env: { EG_AUDIT_KEY_FILE: file } }).key).toEqual(other);
    expect(loadAuditKey({ file, env }).key).toEqual(other);
    expect(loadAuditKey({ value: RAW.toString('base64'), file, env })).toMatchObject({ key: RAW, id: keyId(RAW), warnings: [] });
    expect(() => loadAuditKey({ env: {} })).toThrow(/no audit key/);
  });

  it('warns about a key file other users can read', () => {
    const file = join(tempDir(), 'key');
    writeFileSync(file, RAW.toString('hex'));
    chmodSync(file, 0o644);
    expect(loadAuditKey({ file, env: {} }).warnings.join()).toMatch(/chmod 600/);
  });

  it('has an id that does not reveal the key', () => {
    expect(keyId(RAW)).toMatch(/^[0-9a-f]{16}$/);
    expect(RAW.toString('hex')).not.toContain(keyId(RAW));
  });
});
