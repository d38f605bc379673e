import { createPrivateKey, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createOperatorCa, loadOperatorCa } from '../../../src/tls/ca.js';
import { LeafCache, LEAF_BACKDATE_MS, mintLeaf, prepareSigner, type Signer } from '../../../src/tls/leaf.js';
import { loadX509 } from '../../../src/tls/x509.js';

const x509 = loadX509();

const where = { cert: 'ca.crt', key: 'ca.key' };
const HOUR = 3_600_000;

async function signer(kind: Parameters<typeof createOperatorCa>[0]['kind'] = { type: 'ec', curve: 'P-256' }): Promise<Signer> {
  const { certPem, keyPem } = await createOperatorCa({ kind });
  return prepareSigner(loadOperatorCa(certPem, keyPem, where));
}

describe('mintLeaf', () => {
  it('makes a serverAuth leaf for a DNS name that chains to the operator CA', async () => {
    const s = await signer();
    const leaf = await mintLeaf(s, 'api.partner.example', 24 * HOUR);
    const cert = new X509Certificate(leaf.certPem);
    const ca = s.ca.cert;
    expect(cert.subjectAltName).toBe('DNS:api.partner.example');
    expect(cert.subject).toContain('CN=api.partner.example');
    expect(cert.issuer).toBe(ca.subject);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkHost('api.partner.example')).toBe('api.partner.example');
    expect(cert.checkHost('other.partner.example')).toBeUndefined();
    expect(cert.checkPrivateKey(createPrivateKey(leaf.keyPem))).toBe(true);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // extended key usage: serverAuth
    const parsed = new x509.X509Certificate(cert.raw);
    const ku = parsed.getExtension(x509.KeyUsagesExtension)!;
    expect(ku.critical).toBe(true);
    expect(ku.usages).toBe(x509.KeyUsageFlags.digitalSignature);
    const bc = parsed.getExtension(x509.BasicConstraintsExtension)!;
    expect([bc.ca, bc.critical]).toEqual([false, true]);
    // Authority key id = the CA's subject key id.
    expect(parsed.getExtension(x509.AuthorityKeyIdentifierExtension)!.keyId).toBe(s.ca.subjectKeyId);
    expect(parsed.getExtension(x509.SubjectKeyIdentifierExtension)).not.toBeNull();
  });

  it('backdates a few minutes and lasts the configured validity, never past the CA', async () => {
    const s = await signer();
    const now = new Date();
    const leaf = await mintLeaf(s, 'api.partner.example', 24 * HOUR, now);
    const cert = new X509Certificate(leaf.certPem);
    // X.509 times have whole seconds.
    expect(Math.abs(new Date(cert.validFrom).getTime() - (now.getTime() - LEAF_BACKDATE_MS))).toBeLessThan(1_000);
    expect(Math.abs(new Date(cert.validTo).getTime() - (now.getTime() + 24 * HOUR))).toBeLessThan(1_000);
    const long = await mintLeaf(s, 'api.partner.example', 100_000 * 24 * HOUR, now);
    expect(new Date(new X509Certificate(long.certPem).validTo).getTime()).toBe(s.ca.notAfter.getTime());
  });

  it('puts an IP literal in an iPAddress SAN', async () => {
    const s = await signer();
    for (const ip of ['127.0.0.1', '2001:db8::1']) {
      const cert = new X509Certificate((await mintLeaf(s, ip, HOUR)).certPem);
      expect(cert.subjectAltName).toBe(`IP Address:${ip.includes(':') ? '2001:DB8:0:0:0:0:0:1' : ip}`);
      expect(cert.checkIP(ip)).toBe(ip);
    }
  });

  it('signs with an RSA CA too, and leaves the common name out for a name longer than 64 characters', async () => {
    const s = await signer({ type: 'rsa', bits: 2048 });
    const name = `${'a'.repeat(60)}.partner.example`;
    const cert = new X509Certificate((await mintLeaf(s, name, HOUR)).certPem);
    expect(cert.verify(s.ca.cert.publicKey)).toBe(true);
    expect(cert.subject).not.toContain('CN=');
    expect(cert.subjectAltName).toBe(`DNS:${name}`);
    expect(new x509.X509Certificate(cert.raw).getExtension(x509.SubjectAlternativeNameExtension)!.critical).toBe(true);
  });
});

describe('LeafCache', () => {
  it('hands out the same leaf (and context) for a name, mints once for concurrent handshakes, and is bounded', async () => {
    const s = await signer();
    let built = 0;
    const cache = new LeafCache({ signer: async () => s, validityMs: 24 * HOUR, max: 2, build: (leaf) => ({ leaf, n: ++built }) });
    const [a, b] = await Promise.all([cache.get('a.example'), cache.get('a.example')]);
    expect(a).toBe(b);
    expect(await cache.get('a.example')).toBe(a);
    expect(cache.minted).toBe(1);
    expect(built).toBe(1);
    await cache.get('b.example');
    await cache.get('c.example');
    expect(cache.size).toBe(2);
    // a.example was the least recently used: evicted, minted again with a new serial.
    const again = await cache.get('a.example');
    expect(again).not.toBe(a);
    expect(again.leaf.serialNumber).not.toBe(a.leaf.serialNumber);
    expect(cache.minted).toBe(4);
  });
});
