import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runCaInit } from '../../../src/cli/ca.js';
import { EgError } from '../../../src/errors.js';
import { createOperatorCa, loadOperatorCa } from '../../../src/tls/ca.js';
import { mintLeaf, prepareSigner } from '../../../src/tls/leaf.js';
import { loadX509 } from '../../../src/tls/x509.js';

const x509 = loadX509();

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const where = { cert: 'ca.crt', key: 'ca.key' };

describe('createOperatorCa', () => {
  it('makes an ECDSA P-256 CA by default: self-signed, CA:TRUE pathlen 0, keyCertSign, key matches', async () => {
    const now = new Date('2026-05-01T00:00:00Z');
    const { certPem, keyPem } = await createOperatorCa({ kind: { type: 'ec', curve: 'P-256' }, now, validityDays: 365 });
    const cert = new X509Certificate(certPem);
    expect(cert.ca).toBe(true);
    expect(cert.publicKey.asymmetricKeyType).toBe('ec');
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.subject).toMatch(/^CN=egress-guard interception CA [0-9a-f]{6}\nO=egress-guard$/);
    expect(new Date(cert.validFrom).getTime()).toBe(now.getTime() - 3_600_000);
    expect(new Date(cert.validTo).getTime()).toBe(now.getTime() + 365 * 86_400_000);
    const parsed = new x509.X509Certificate(cert.raw);
    const bc = parsed.getExtension(x509.BasicConstraintsExtension)!;
    expect([bc.ca, bc.pathLength, bc.critical]).toEqual([true, 0, true]);
    const ku = parsed.getExtension(x509.KeyUsagesExtension)!;
    expect(ku.critical).toBe(true);
    expect(ku.usages & x509.KeyUsageFlags.keyCertSign).toBeTruthy();
    expect(ku.usages & x509.KeyUsageFlags.cRLSign).toBeTruthy();
    const ca = loadOperatorCa(certPem, keyPem, where, now);
    expect(ca.keyKind).toEqual({ type: 'ec', curve: 'P-256' });
    expect(ca.subjectKeyId).toMatch(/^[0-9a-f]{40}$/);
  });

  it('makes an RSA CA on request', async () => {
    const { certPem, keyPem } = await createOperatorCa({ kind: { type: 'rsa', bits: 2048 }, commonName: 'Acme egress CA' });
    const cert = new X509Certificate(certPem);
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(cert.subject).toBe('CN=Acme egress CA\nO=egress-guard');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(loadOperatorCa(certPem, keyPem, where).keyKind).toEqual({ type: 'rsa', bits: 2048 });
  });
});

describe('loadOperatorCa refuses what cannot sign', () => {
  const fails = (fn: () => unknown): EgError => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(EgError);
      expect((err as EgError).code).toBe('EG_TLS_CA_INVALID');
      return err as EgError;
    }
    throw new Error('expected EG_TLS_CA_INVALID');
  };

  it('a key that belongs to another certificate', async () => {
    const a = await createOperatorCa({ kind: { type: 'ec', curve: 'P-256' } });
    const b = await createOperatorCa({ kind: { type: 'ec', curve: 'P-256' } });
    expect(fails(() => loadOperatorCa(a.certPem, b.keyPem, where)).message).toMatch(/ca\.key: does not belong to the certificate ca\.crt/);
  });

  it('a certificate that is not a CA (a leaf)', async () => {
    const ca = await createOperatorCa({ kind: { type: 'ec', curve: 'P-256' } });
    const leaf = await mintLeaf(await prepareSigner(loadOperatorCa(ca.certPem, ca.keyPem, where)), 'api.partner.example', 3_600_000);
    expect(fails(() => loadOperatorCa(leaf.certPem, leaf.keyPem, where)).message).toMatch(/not a CA certificate/);
  });

  it('an expired CA, and text that is not PEM', async () => {
    const { certPem, keyPem } = await createOperatorCa({ kind: { type: 'ec', curve: 'P-256' }, now: new Date('2020-01-01T00:00:00Z'), validityDays: 30 });
    expect(fails(() => loadOperatorCa(certPem, keyPem, where)).message).toMatch(/expired on 2020-01-31/);
    expect(fails(() => loadOperatorCa('nonsense', keyPem, where)).message).toMatch(/ca\.crt: not a PEM certificate/);
    expect(fails(() => loadOperatorCa(certPem, 'nonsense', where, new Date('2020-01-02T00:00:00Z'))).message).toMatch(/ca\.key: not a PEM private key/);
  });
});

describe('egress-guard ca init', () => {
  it('writes ca.crt and a 0600 ca.key, prints how to trust it, and never overwrites without --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eg-ca-'));
    dirs.push(dir);
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    expect(await runCaInit({ out: join(dir, 'ca') }, out)).toBe(0);
    const certPath = join(dir, 'ca', 'ca.crt');
    const keyPath = join(dir, 'ca', 'ca.key');
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    expect(statSync(certPath).mode & 0o600).toBe(0o600);
    const ca = loadOperatorCa(readFileSync(certPath), readFileSync(keyPath), where);
    expect(ca.keyKind).toEqual({ type: 'ec', curve: 'P-256' });
    for (const hint of ['NODE_EXTRA_CA_CERTS', '--cacert', 'keytool -importcert', 'update-ca-certificates']) expect(text).toContain(hint);
    await expect(runCaInit({ out: join(dir, 'ca') }, out)).rejects.toThrow(/exists/);
    expect(await runCaInit({ out: join(dir, 'ca'), force: true, rsa: '2048' }, out)).toBe(0);
    expect(new X509Certificate(readFileSync(certPath)).publicKey.asymmetricKeyType).toBe('rsa');
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    await expect(runCaInit({ out: join(dir, 'x'), rsa: '1024' }, out)).rejects.toThrow(/2048 or 3072/);
  });

  it('produces a CA that OpenSSL accepts as the issuer of its leaves', async () => {
    const { certPem, keyPem } = await createOperatorCa({ kind: { type: 'ec', curve: 'P-256' } });
    const leaf = await mintLeaf(await prepareSigner(loadOperatorCa(certPem, keyPem, where)), 'api.partner.example', 3_600_000);
    const dir = mkdtempSync(join(tmpdir(), 'eg-ca-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'ca.pem'), certPem);
    writeFileSync(join(dir, 'leaf.pem'), leaf.certPem);
    const verified = await run('openssl', ['verify', '-purpose', 'sslserver', '-verify_hostname', 'api.partner.example', '-CAfile', join(dir, 'ca.pem'), join(dir, 'leaf.pem')]).catch((err: { stdout: string; stderr: string; code?: string }) => err);
    if ((verified as { code?: string }).code === 'ENOENT') return; // no openssl binary: the node:crypto checks stand
    expect(verified.stdout).toContain('leaf.pem: OK');
  });
});
