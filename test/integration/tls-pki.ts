import { generateKeyPairSync, randomBytes, webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOperatorCa, loadOperatorCa } from '../../src/tls/ca.js';
import { prepareSigner } from '../../src/tls/leaf.js';
import { loadX509, privateKeyPem } from '../../src/tls/x509.js';
import type { ReceivedRequest } from './harness.js';

const x509 = loadX509();

/**
 * The certificates the TLS tests need, all made in the test run: the operator CA (what clients
 * trust), a separate "public" CA standing in for the upstream's issuer (what the gateway trusts
 * through tls.extra_upstream_ca_files), and server certificates signed by it.
 */
export interface TestPki {
  readonly dir: string;
  readonly operatorCertPath: string;
  readonly operatorKeyPath: string;
  readonly operatorCertPem: string;
  readonly upstreamCaPath: string;
  readonly upstreamCaPem: string;
  /** A server certificate signed by the upstream CA. */
  serverCert(options: ServerCertOptions): Promise<{ cert: string; key: string }>;
  /** A self-signed server certificate (no CA the gateway trusts). */
  selfSigned(names: readonly string[]): Promise<{ cert: string; key: string }>;
  cleanup(): void;
}

export interface ServerCertOptions {
  readonly dns: readonly string[];
  readonly ips?: readonly string[];
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

export async function makeTestPki(): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'eg-tls-'));
  const operator = await createOperatorCa({ kind: { type: 'ec', curve: 'P-256' }, commonName: 'egress-guard test operator CA' });
  const upstreamCa = await createOperatorCa({ kind: { type: 'ec', curve: 'P-256' }, commonName: 'test public CA' });
  const operatorCertPath = join(dir, 'ca.crt');
  const operatorKeyPath = join(dir, 'ca.key');
  const upstreamCaPath = join(dir, 'upstream-ca.pem');
  writeFileSync(operatorCertPath, operator.certPem);
  writeFileSync(operatorKeyPath, operator.keyPem, { mode: 0o600 });
  writeFileSync(upstreamCaPath, upstreamCa.certPem);
  const signer = await prepareSigner(loadOperatorCa(upstreamCa.certPem, upstreamCa.keyPem, { cert: 'upstream CA', key: 'upstream CA key' }));

  const issue = async (opts: ServerCertOptions, selfSigned: boolean) => {
    const now = Date.now();
    const names = [...opts.dns.map((value) => ({ type: 'dns' as const, value })), ...(opts.ips ?? []).map((value) => ({ type: 'ip' as const, value }))];
    const extensions = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
    ];
    const notBefore = opts.notBefore ?? new Date(now - 3_600_000);
    const notAfter = opts.notAfter ?? new Date(now + 86_400_000);
    const subject = [{ CN: [opts.dns[0] ?? opts.ips?.[0] ?? 'server'] }];
    if (selfSigned) {
      const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
      const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: randomBytes(8).toString('hex'), name: subject, notBefore, notAfter, keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, extensions });
      const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
      return { cert: cert.toString('pem'), key: `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n` };
    }
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: `01${randomBytes(8).toString('hex')}`,
      subject,
      issuer: signer.issuer,
      notBefore,
      notAfter,
      publicKey: publicKey.export({ format: 'der', type: 'spki' }),
      signingKey: signer.signingKey,
      signingAlgorithm: signer.algorithm,
      extensions: [...extensions, signer.authorityKeyId],
    });
    return { cert: cert.toString('pem'), key: privateKeyPem(privateKey) };
  };

  return {
    dir,
    operatorCertPath,
    operatorKeyPath,
    operatorCertPem: operator.certPem,
    upstreamCaPath,
    upstreamCaPem: upstreamCa.certPem,
    serverCert: (opts) => issue(opts, false),
    selfSigned: (names) => issue({ dns: names }, true),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TestHttpsUpstream {
  readonly port: number;
  readonly received: ReceivedRequest[];
  /** TLS connections accepted (keep-alive reuse shows as fewer connections than requests). */
  readonly connections: () => number;
  close(): Promise<void>;
}

/** An HTTPS server on loopback that records every request and answers JSON. */
export async function startHttpsUpstream(cert: { cert: string; key: string }): Promise<TestHttpsUpstream> {
  const received: ReceivedRequest[] = [];
  let connections = 0;
  const server: Server = createHttpsServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body });
      const answer = JSON.stringify({ ok: true, tls: true, received: body.length });
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'https', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  server.on('secureConnection', () => (connections += 1));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
