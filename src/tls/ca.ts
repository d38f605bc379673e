import { createHash, randomBytes, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import { EgError } from '../errors.js';
import { keyKindOf, loadX509, parsePrivateKey, randomSerial, signingAlgorithm, type KeyKind } from './x509.js';

/**
 * The operator CA: the certificate clients trust, whose key signs the leaf certificates the
 * gateway presents for intercepted destinations. Made by `egress-guard ca init`, or brought by
 * the operator (ECDSA P-256/P-384/P-521 or RSA ≥ 2048).
 */
export interface OperatorCa {
  readonly certPem: string;
  readonly cert: X509Certificate;
  readonly key: KeyObject;
  readonly keyKind: KeyKind;
  /** SHA-256 of the certificate (DER), hex: identifies the CA across reloads. */
  readonly fingerprint: string;
  /** Subject key identifier (hex) when the certificate carries one: leaves name it as their
   *  authority key identifier. */
  readonly subjectKeyId: string | null;
  readonly notAfter: Date;
}

export interface CaInitOptions {
  readonly kind: KeyKind;
  /** Subject common name; a short random suffix keeps two operators' CAs apart in trust stores. */
  readonly commonName?: string;
  readonly validityDays?: number;
  readonly now?: Date;
}

export const DEFAULT_CA_DAYS = 3650;

/** A new self-signed operator CA: PEM certificate and PKCS#8 PEM private key. */
export async function createOperatorCa(options: CaInitOptions): Promise<{ certPem: string; keyPem: string }> {
  const x509 = loadX509();
  const now = options.now ?? new Date();
  const days = options.validityDays ?? DEFAULT_CA_DAYS;
  const kind = options.kind;
  const generate =
    kind.type === 'ec'
      ? { name: 'ECDSA', namedCurve: kind.curve }
      : { name: 'RSASSA-PKCS1-v1_5', modulusLength: kind.bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(generate, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const commonName = options.commonName ?? `egress-guard interception CA ${randomBytes(3).toString('hex')}`;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: [{ CN: [commonName] }, { O: ['egress-guard'] }],
    // Backdated an hour: a client whose clock runs a little behind still accepts it.
    notBefore: new Date(now.getTime() - 3_600_000),
    notAfter: new Date(now.getTime() + days * 86_400_000),
    signingAlgorithm: signingAlgorithm(kind),
    keys,
    extensions: [
      // pathLen 0: the CA signs leaves only, never another CA.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
  return { certPem: cert.toString('pem') + '\n', keyPem };
}

/**
 * Checks and loads an operator CA: the certificate parses and is a CA allowed to sign
 * certificates, the key is one the gateway can sign with and matches it, and today is inside
 * its validity. Throws EG_TLS_CA_INVALID naming `where` and the reason.
 */
export function loadOperatorCa(certPem: string | Buffer, keyPem: string | Buffer, where: { readonly cert: string; readonly key: string }, now = new Date()): OperatorCa {
  const fail = (what: string, why: string, cause?: unknown): never => {
    throw new EgError('EG_TLS_CA_INVALID', `${what}: ${why}`, cause === undefined ? undefined : { cause });
  };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (err) {
    return fail(where.cert, 'not a PEM certificate', err);
  }
  if (!cert.ca) fail(where.cert, 'not a CA certificate (basicConstraints CA:TRUE is missing)');
  const x509 = loadX509();
  const parsed = new x509.X509Certificate(cert.raw);
  const usage = parsed.getExtension(x509.KeyUsagesExtension);
  if (usage && (usage.usages & x509.KeyUsageFlags.keyCertSign) === 0) fail(where.cert, 'its key usage does not allow signing certificates (keyCertSign)');
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (now < notBefore) fail(where.cert, `not valid before ${notBefore.toISOString()}`);
  if (now > notAfter) fail(where.cert, `expired on ${notAfter.toISOString()}`);
  let key: KeyObject;
  try {
    key = parsePrivateKey(keyPem);
  } catch (err) {
    return fail(where.key, 'not a PEM private key (PKCS#8 or traditional; an encrypted key is not supported)', err);
  }
  const keyKind = keyKindOf(key);
  if (!keyKind) fail(where.key, `a ${key.asymmetricKeyType ?? 'unknown'} key: use ECDSA P-256, P-384, P-521 or RSA`);
  if (keyKind!.type === 'rsa' && keyKind!.bits < 2048) fail(where.key, `an RSA key of ${keyKind!.bits} bits: use at least 2048`);
  if (!cert.checkPrivateKey(key)) fail(where.key, `does not belong to the certificate ${where.cert}`);
  const ski = parsed.getExtension(x509.SubjectKeyIdentifierExtension);
  return Object.freeze({
    certPem: typeof certPem === 'string' ? certPem : certPem.toString('utf8'),
    cert,
    key,
    keyKind: keyKind!,
    fingerprint: createHash('sha256').update(cert.raw).digest('hex'),
    subjectKeyId: ski?.keyId ?? null,
    notAfter,
  });
}

/** How to make the usual clients trust the CA: what `ca init` prints. */
export function trustInstructions(certPath: string, keyPath: string): string {
  return `Operator CA written:
  certificate  ${certPath}   (give this to clients)
  private key  ${keyPath}   (mode 0600; only egress-guard reads it — keep it out of images and repositories)

Point the policy at it:
  tls:
    ca_cert_file: ${certPath}
    ca_key_file: ${keyPath}
  destinations:
    - name: partner
      hosts: [api.partner.example]
      tls: intercept

Make clients trust the certificate (never the key):
  Node.js         NODE_EXTRA_CA_CERTS=${certPath}   (read at process start)
  curl            curl --cacert ${certPath} -x http://127.0.0.1:3128 https://api.partner.example/
  Python          REQUESTS_CA_BUNDLE / SSL_CERT_FILE pointing at a bundle that includes it
  Java            keytool -importcert -noprompt -alias egress-guard -file ${certPath} \\
                    -keystore "$JAVA_HOME/lib/security/cacerts" -storepass changeit
  Debian/Ubuntu   sudo cp ${certPath} /usr/local/share/ca-certificates/egress-guard.crt && sudo update-ca-certificates
  RHEL/Fedora     sudo cp ${certPath} /etc/pki/ca-trust/source/anchors/egress-guard.crt && sudo update-ca-trust
  Kubernetes      kubectl create secret generic egress-guard-ca --from-file=ca.crt=${certPath} --from-file=ca.key=${keyPath}
`;
}
