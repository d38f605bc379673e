import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { AuditEvent } from '../audit/event.js';
import { parseAuthority } from '../destination/host.js';
import { resolveDestination, type ResolvedDestination } from '../destination/resolve.js';
import { EgError, isEgError } from '../errors.js';
import { openTunnel } from '../forward/tunnel.js';
import { errorBody } from '../pipeline/reply.js';
import type { GatewayEnv } from '../pipeline/runtime.js';
import { interceptTunnel, isTlsClientHello } from '../tls/intercept.js';

/** How long a new tunnel waits for the client's first bytes before treating it as opaque
 *  (protocols where the server speaks first). */
const FIRST_BYTES_TIMEOUT_MS = 3_000;
const HTTP_REQUEST_START = /^[A-Z][A-Z-]{1,19} [^\s]/;

/**
 * CONNECT: decided on the destination first; once accepted, the client's first bytes tell a
 * cleartext HTTP/1.x client (undici's ProxyAgent tunnels http:// URLs) from TLS or anything else.
 * Cleartext HTTP goes back into the HTTP server, bound to the tunnel's host:port, so each request
 * is inspected, decided and audited like a forward-proxied one. A TLS ClientHello to a
 * destination with `tls: intercept` is terminated with the operator CA and goes the same way
 * (src/tls/intercept.ts). Anything else is relayed as an opaque tunnel when the zone allows it.
 */
export async function handleConnect(
  env: GatewayEnv,
  server: Server,
  req: IncomingMessage,
  client: Socket,
  head: Buffer,
  /** What the listener refuses in the CONNECT itself (header limits, framing, version). */
  refusal: EgError | null = null,
): Promise<void> {
  const runtime = env.runtime();
  const decisionId = randomUUID();
  const started = performance.now();
  const authority = req.url ?? '';
  let destination: ResolvedDestination | undefined;
  let host = '';
  let port = 0;
  const peer = { address: client.remoteAddress ?? '', port: client.remotePort ?? 0 };
  client.on('error', () => client.destroy());
  const audit = (fields: Pick<AuditEvent, 'action' | 'status' | 'error' | 'tunnel'> & { up?: number; down?: number }) => {
    const zone = destination?.zone;
    env.audit.write({
      v: 1,
      kind: 'connect',
      decisionId,
      time: new Date().toISOString(),
      policyRevision: runtime.policy.revision,
      client: peer,
      via: 'connect',
      method: 'CONNECT',
      destination: {
        host,
        port,
        ip: destination?.ip || null,
        zone: zone?.name ?? null,
        jurisdiction: zone?.jurisdiction ?? null,
        abroad: zone ? zone.abroad : null,
        recipient: zone?.recipient ?? null,
      },
      path: null,
      mode: zone?.mode ?? runtime.policy.mode,
      action: fields.action,
      wouldBe: fields.error === 'EG_TUNNEL_REFUSED' || zone?.hardBlock ? 'block' : fields.action,
      findings: [],
      redacted: [],
      status: fields.status,
      bytes: { requestIn: fields.up ?? 0, requestOut: fields.up ?? 0, response: fields.down ?? 0 },
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      error: fields.error,
      tunnel: fields.tunnel,
    });
  };

  try {
    ({ host, port } = parseAuthority(authority, 0));
    if (port === 0) throw new EgError('EG_BAD_REQUEST', 'CONNECT needs host:port');
    if (refusal) throw refusal;
    destination = await resolveDestination(runtime.policy, host, port, {
      selfPorts: env.selfPorts,
      ...(env.lookupHost ? { lookupHost: env.lookupHost } : {}),
    });
    const zone = destination.zone;
    if (zone.hardBlock !== null && zone.mode === 'enforce') {
      throw new EgError('EG_RECIPIENT_RESTRICTED', `destination ${zone.name}`);
    }
    // Port 443 is TLS in practice: refuse up front, where the client can still show the reason
    // (unless the destination intercepts TLS: then it is inspected, not relayed unread).
    if (zone.tunnel === 'block' && zone.tls !== 'intercept' && zone.mode === 'enforce' && port === 443) {
      throw new EgError('EG_TUNNEL_REFUSED', `zone ${zone.name} (${zone.jurisdiction})`);
    }
  } catch (err) {
    const egError = isEgError(err) ? err : new EgError('EG_INTERNAL');
    if (!isEgError(err)) env.log.error({ err }, 'CONNECT failed');
    refuseConnect(client, egError, decisionId);
    audit({ action: 'block', status: egError.status, error: egError.code, tunnel: null });
    return;
  }

  client.write(`HTTP/1.1 200 Connection Established\r\nX-Egress-Decision-Id: ${decisionId}\r\n\r\n`);
  const first = head.length > 0 ? head : await firstBytes(client, FIRST_BYTES_TIMEOUT_MS);
  if (first === null) return audit({ action: 'allow', status: 200, error: 'EG_CLIENT_ABORTED', tunnel: null });

  const zone = destination.zone;
  if (HTTP_REQUEST_START.test(first.subarray(0, 24).toString('latin1'))) {
    env.tunnels.set(client, { destination, authority });
    client.unshift(first);
    server.emit('connection', client);
    client.resume();
    client.once('close', () => audit({ action: 'allow', status: 200, error: null, tunnel: 'http' }));
    return;
  }
  // TLS to a destination with `tls: intercept`: terminated with a leaf signed by the operator
  // CA, then every request is inspected like cleartext and forwarded over verified TLS.
  if (zone.tls === 'intercept' && isTlsClientHello(first)) {
    const intercepted = await interceptTunnel(env, env.log, runtime.policy.tls, client, first, destination.host);
    if ('error' in intercepted) return audit({ action: 'allow', status: 200, error: intercepted.error, tunnel: 'tls' });
    env.tunnels.set(intercepted.socket, { destination, authority, tls: true });
    server.emit('connection', intercepted.socket);
    intercepted.socket.resume();
    intercepted.socket.once('close', () => audit({ action: 'allow', status: 200, error: null, tunnel: 'tls' }));
    return;
  }
  if (zone.tunnel === 'block' && zone.mode === 'enforce') {
    client.destroy();
    return audit({ action: 'block', status: 200, error: 'EG_TUNNEL_REFUSED', tunnel: null });
  }
  try {
    const relayed = await openTunnel(client, destination.ip, destination.port, first, runtime.policy.timeouts.connectMs);
    audit({ action: 'allow', status: 200, error: relayed.error, tunnel: 'opaque', up: relayed.up, down: relayed.down });
  } catch (err) {
    client.destroy();
    const code = (err as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? 'EG_UPSTREAM_TIMEOUT' : 'EG_UPSTREAM_CONNECT';
    audit({ action: 'allow', status: 200, error: code, tunnel: 'opaque' });
  }
}

/** A refusal at tunnel level: most clients show only the status line, so the code and decision
 *  id travel in headers as well as in the JSON body. */
function refuseConnect(client: Socket, err: EgError, decisionId: string): void {
  const body = errorBody(err, decisionId, []);
  const reason = STATUS_CODES[err.status] ?? 'Error';
  client.end(
    `HTTP/1.1 ${err.status} ${reason}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Egress-Decision-Id: ${decisionId}\r\n` +
      `X-Egress-Error: ${err.code}\r\n` +
      `Connection: close\r\n\r\n` +
      body,
  );
}

function firstBytes(client: Socket, timeoutMs: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const done = (value: Buffer | null) => {
      clearTimeout(timer);
      client.off('data', onData);
      client.off('close', onClose);
      client.pause();
      resolve(value);
    };
    const onData = (chunk: Buffer) => done(chunk);
    const onClose = () => done(null);
    const timer = setTimeout(() => done(Buffer.alloc(0)), timeoutMs);
    client.on('data', onData);
    client.on('close', onClose);
    client.resume();
  });
}
