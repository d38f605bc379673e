import { hkdfSync } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { checkHost } from '../destination/host.js';
import type { TlsSettings } from '../config/model.js';
import type { ErrorCode } from '../errors.js';
import type { OperatorCa } from './ca.js';
import { LeafCache, prepareSigner, type Signer } from './leaf.js';

/**
 * Terminates a client's TLS inside an accepted CONNECT tunnel, presenting a leaf certificate for
 * the name it asked for (SNI; the CONNECT host without one), signed by the operator CA. The
 * TLS socket then goes into the HTTP server like a cleartext tunnel (src/server/connect.ts).
 */

/** How long a client may take to finish its handshake. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

/** A TLS record of type handshake (22), version 3.x, carrying a ClientHello (1) when the
 *  chunk is long enough to show it. */
export function isTlsClientHello(first: Buffer): boolean {
  if (first.length < 3 || first[0] !== 0x16 || first[1] !== 0x03) return false;
  return first.length < 6 || first[5] === 0x01;
}

/**
 * Session-ticket keys: derived from the CA key and the UTC day, so every worker and replica
 * holding the same CA resumes the others' sessions, and the keys change daily.
 */
function ticketKeys(ca: OperatorCa, day: string): Buffer {
  const ikm = ca.key.export({ format: 'der', type: 'pkcs8' });
  return Buffer.from(hkdfSync('sha256', ikm, 'egress-guard/tls-session-tickets', day, 48));
}

export class TlsInterceptor {
  /** Which settings (CA, leaf parameters, ticket-key day) this interceptor was built for. */
  readonly key: string;
  readonly leaves: LeafCache<SecureContext>;
  readonly #signer: Promise<Signer>;

  constructor(settings: TlsSettings & { readonly ca: OperatorCa }, day: string) {
    this.key = interceptorKey(settings, day);
    const keys = ticketKeys(settings.ca, day);
    this.#signer = prepareSigner(settings.ca);
    // Without a handler the rejection would be unhandled until the first handshake asks.
    this.#signer.catch(() => undefined);
    const chain = settings.ca.certPem;
    this.leaves = new LeafCache<SecureContext>({
      signer: () => this.#signer,
      validityMs: settings.leafValidityMs,
      max: settings.leafCacheSize,
      // The chain sent is the leaf and the CA: a client that has the CA needs nothing more.
      build: (leaf) => createSecureContext({ cert: leaf.certPem + chain, key: leaf.keyPem, ticketKeys: keys, sessionTimeout: 3_600 }),
    });
  }

  /** The TLS context presenting a leaf for `name` (a normalised host or IP literal). */
  async contextFor(name: string): Promise<SecureContext> {
    return (await this.leaves.get(name)).value;
  }

  /**
   * Wraps the tunnel's socket in a server-side TLS socket and resolves once the handshake is
   * done (ALPN http/1.1 only), paused: resume it once its reader is attached. `first` is the
   * client's first chunk, already read from `client`.
   * Rejects when the handshake fails (the client distrusts the CA, or gives up) or times out.
   */
  async accept(client: Socket, first: Buffer, connectHost: string, timeoutMs = HANDSHAKE_TIMEOUT_MS): Promise<TLSSocket> {
    const fallback = await this.contextFor(connectHost);
    // The TLS socket takes the TCP handle over and replays what the net socket buffered.
    client.pause();
    client.unshift(first);
    return new Promise<TLSSocket>((resolve, reject) => {
      const socket = new TLSSocket(client, {
        isServer: true,
        secureContext: fallback,
        ALPNProtocols: ['http/1.1'],
        SNICallback: (servername, done) => {
          const checked = checkHost(servername);
          if ('error' in checked) {
            done(new Error(`invalid SNI name: ${checked.error}`), null as unknown as SecureContext);
            return;
          }
          if (checked.host === connectHost) {
            done(null, fallback);
            return;
          }
          this.contextFor(checked.host).then(
            (context) => done(null, context),
            (err: Error) => done(err, null as unknown as SecureContext),
          );
        },
      });
      let settled = false;
      const finish = (err: Error | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('secure', onSecure);
        socket.off('error', onError);
        socket.off('close', onClose);
        socket.off('end', onClose);
        // Paused in the same tick as 'secure', with anything that came with the client's last
        // handshake flight put back: no request byte is lost before the HTTP server has its
        // listeners (the caller resumes the socket after handing it over).
        socket.off('data', duringHandshake);
        socket.pause();
        if (early.length > 0) socket.unshift(Buffer.concat(early));
        if (err) {
          socket.destroy();
          client.destroy();
          reject(err);
        } else resolve(socket);
      };
      const onSecure = () => finish(null);
      const onError = (err: Error) => finish(err);
      const onClose = () => finish(Object.assign(new Error('the client closed the connection during the TLS handshake'), { code: 'ECONNRESET' }));
      const timer = setTimeout(() => finish(Object.assign(new Error('TLS handshake timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
      // Flowing during the handshake, so that a client hanging up mid-handshake ends the socket
      // at once (a paused stream would never see its end). Application data decrypted before
      // 'secure' is emitted (the request right behind the client's Finished) is kept.
      const early: Buffer[] = [];
      const duringHandshake = (chunk: Buffer): void => void early.push(chunk);
      socket.once('secure', onSecure);
      socket.once('error', onError);
      socket.once('close', onClose);
      // The proxy's sockets allow half-open connections: a client gone mid-handshake shows as
      // 'end' alone.
      socket.once('end', onClose);
      socket.on('data', duringHandshake);
      // After the handshake, errors belong to the HTTP server that takes the socket over; until
      // then a late error must not go unhandled.
      socket.on('error', () => undefined);
    });
  }
}

function interceptorKey(settings: TlsSettings, day: string): string {
  return `${settings.ca?.fingerprint ?? 'none'}|${settings.leafValidityMs}|${settings.leafCacheSize}|${day}`;
}

const interceptors = new WeakMap<object, TlsInterceptor>();

/**
 * The interceptor of a gateway (`owner`: its env) for the running policy's TLS settings: kept
 * while the CA, the leaf parameters and the day stay the same (a reload with the same CA keeps
 * the leaf cache), rebuilt otherwise. Null when the policy names no CA.
 */
export function interceptorFor(owner: object, settings: TlsSettings, now = new Date()): TlsInterceptor | null {
  if (!settings.ca) return null;
  const day = now.toISOString().slice(0, 10);
  const current = interceptors.get(owner);
  if (current && current.key === interceptorKey(settings, day)) return current;
  const next = new TlsInterceptor(settings as TlsSettings & { readonly ca: OperatorCa }, day);
  interceptors.set(owner, next);
  return next;
}

/**
 * What src/server/connect.ts calls for a tunnel to an intercepting destination whose client
 * opened with a ClientHello: the TLS socket once the handshake is done, or the error code for
 * the tunnel's audit event (the client's handshake failed, or the CA cannot sign).
 */
export async function interceptTunnel(
  owner: object,
  log: Logger,
  settings: TlsSettings,
  client: Socket,
  first: Buffer,
  connectHost: string,
): Promise<{ readonly socket: TLSSocket } | { readonly error: ErrorCode }> {
  const interceptor = interceptorFor(owner, settings);
  if (!interceptor) {
    client.destroy();
    log.error({ host: connectHost }, 'a destination intercepts TLS but the policy names no operator CA');
    return { error: 'EG_TLS_CA_INVALID' };
  }
  try {
    // Minted (or found) first, so that a signing failure is told apart from the client's.
    await interceptor.contextFor(connectHost);
  } catch (err) {
    client.destroy();
    log.error({ err, host: connectHost }, 'minting a leaf certificate failed');
    return { error: 'EG_INTERNAL' };
  }
  try {
    return { socket: await interceptor.accept(client, first, connectHost) };
  } catch (err) {
    // Usually a client that does not trust the operator CA (it sends an alert and hangs up).
    log.info({ host: connectHost, code: (err as NodeJS.ErrnoException).code, reason: (err as Error).message }, 'client TLS handshake failed on an intercepted tunnel');
    return { error: 'EG_CLIENT_TLS_HANDSHAKE' };
  }
}
