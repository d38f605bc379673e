import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { AuditEvent } from '../../src/audit/event.js';
import type { AuditSink } from '../../src/audit/writer.js';
import { loadPolicyText } from '../../src/config/load.js';
import { EgError } from '../../src/errors.js';
import { createUpstream, type Upstream, type UpstreamRequest } from '../../src/forward/upstream.js';
import { startGateway, type Gateway, type GatewayOptions } from '../../src/server/gateway.js';
import { afterAll, beforeAll } from 'vitest';

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly body: Buffer;
}

export interface TestUpstream {
  readonly port: number;
  readonly received: ReceivedRequest[];
  close(): Promise<void>;
}

/** A real HTTP server on loopback that records every request byte for byte and answers JSON. */
export async function startUpstream(): Promise<TestUpstream> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body });
      const answer = JSON.stringify({ ok: true, received: body.length });
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export class MemoryAudit implements AuditSink {
  readonly events: AuditEvent[] = [];
  readonly lines: string[] = [];
  write(event: AuditEvent): void {
    this.events.push(event);
    this.lines.push(JSON.stringify(event));
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

/** Names the tests use; the static resolve table pins them to loopback, as an operator pins
 *  names with curl-style overrides. */
export const TEST_POLICY = `
version: 1
resolve:
  api.partner.example: 127.0.0.1
  svc.internal.cn: 127.0.0.1
  monitor.partner.example: 127.0.0.1
  ids.partner.example: 127.0.0.1
destinations:
  - name: domestic
    jurisdiction: CN
    hosts: ["*.cn"]
  - name: partner-us
    jurisdiction: US
    hosts: [api.partner.example]
  - name: partner-monitored
    jurisdiction: SG
    hosts: [monitor.partner.example]
    mode: monitor
  - name: partner-ids-masked
    jurisdiction: DE
    hosts: [ids.partner.example]
    actions:
      categories: { pi.id_card: redact, pi.minor: redact }
`;

/** One destination abroad, pinned to loopback: PI is masked there by default. The reload and
 *  cluster tests edit it (BLOCK_PHONE) to see which revision decided. */
export const PARTNER_POLICY = `version: 1
resolve:
  api.partner.example: 127.0.0.1
destinations:
  - name: partner
    jurisdiction: US
    hosts: [api.partner.example]
`;
export const BLOCK_PHONE_POLICY = `${PARTNER_POLICY}    actions: {categories: {pi.phone: block}}\n`;

export interface TestGateway {
  readonly gateway: Gateway;
  readonly audit: MemoryAudit;
  readonly proxyUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Optional overrides for startTestGateway; without them it behaves as before. */
export interface TestGatewayOptions {
  /** Replaces the harness's DNS, which knows no name (see lookupTable). */
  readonly lookupHost?: GatewayOptions['lookupHost'];
  /** Replaces the undici pool (see loopbackOnlyUpstream). */
  readonly upstream?: Upstream;
  readonly clock?: GatewayOptions['clock'];
  /** Opens the volume store the policy names (default: in memory). */
  readonly volumeStore?: GatewayOptions['volumeStore'];
  /** Addresses treated as public although special (loopback stand-ins for the internet). */
  readonly publicAddresses?: GatewayOptions['publicAddresses'];
  /** Record audit events once per event-loop turn, as `serve` does. */
  readonly recordPerTurn?: boolean;
}

export async function startTestGateway<A extends MemoryAudit = MemoryAudit>(
  policyText = TEST_POLICY,
  audit: A = new MemoryAudit() as A,
  options: TestGatewayOptions = {},
): Promise<TestGateway & { audit: A }> {
  const gateway = await startGateway({
    policy: loadPolicyText(policyText, 'test-policy.yaml'),
    audit,
    log: pino({ level: 'silent' }),
    proxyHost: '127.0.0.1',
    proxyPort: 0,
    adminHost: '127.0.0.1',
    adminPort: 0,
    individualKey: Buffer.alloc(32, 7),
    lookupHost: async (host) => {
      // Tests never reach real DNS: an unknown name fails as it would without a record.
      throw Object.assign(new Error(`no test record for ${host}`), { code: 'ENOTFOUND' });
    },
    ...(options.lookupHost ? { lookupHost: options.lookupHost } : {}),
    ...(options.upstream ? { upstream: options.upstream } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.volumeStore ? { volumeStore: options.volumeStore } : {}),
    ...(options.publicAddresses ? { publicAddresses: options.publicAddresses } : {}),
    ...(options.recordPerTurn ? { recordPerTurn: true } : {}),
  });
  const port = gateway.proxyAddress.port;
  return { gateway, audit, port, proxyUrl: `http://127.0.0.1:${port}`, close: () => gateway.close(2_000) };
}

/** Waits until `predicate` holds (audit events are written when a response finishes). */
export async function eventually(predicate: () => boolean, timeoutMs = 3_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A fake DNS for the gateway's lookupHost: answers from `records` (several answers allowed,
 *  in order), ENOTFOUND for any other name; every name asked is kept in `asked`. */
export function lookupTable(records: Record<string, readonly string[]>): { lookupHost: (host: string) => Promise<string[]>; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    lookupHost: async (host) => {
      asked.push(host);
      const answers = records[host];
      if (!answers) throw Object.assign(new Error(`no test record for ${host}`), { code: 'ENOTFOUND' });
      return [...answers];
    },
  };
}

/** The real undici upstream, behind a guard that records every request the gateway hands it and
 *  refuses, without dialling, any address off loopback: a test that goes wrong never sends
 *  traffic off the machine. */
export function loopbackOnlyUpstream(timeouts = { connectMs: 2_000, headersMs: 5_000, bodyMs: 5_000 }): Upstream & { readonly sent: Pick<UpstreamRequest, 'ip' | 'port' | 'method' | 'path'>[] } {
  const real = createUpstream(timeouts);
  const sent: Pick<UpstreamRequest, 'ip' | 'port' | 'method' | 'path'>[] = [];
  return {
    sent,
    send(request) {
      sent.push({ ip: request.ip, port: request.port, method: request.method, path: request.path });
      if (!/^127\./.test(request.ip) && request.ip !== '::1') {
        return Promise.reject(new EgError('EG_UPSTREAM_CONNECT', `test guard: ${request.ip} is not loopback, not dialled`));
      }
      return real.send(request);
    },
    close: () => real.close(),
  };
}

/** For a test file that needs one gateway on `policyText` and one upstream (by default the
 *  recording one above): both are started before its tests and closed after them; `use`
 *  receives them once started. */
export function withGatewayAndUpstream<U extends { close(): Promise<void> } = TestUpstream>(
  policyText: string,
  use: (started: { gw: TestGateway; up: U }) => void,
  options: TestGatewayOptions = {},
  startUp: () => Promise<U> = startUpstream as unknown as () => Promise<U>,
): void {
  let started: { gw: TestGateway; up: U } | undefined;
  beforeAll(async () => {
    const up = await startUp();
    started = { up, gw: await startTestGateway(policyText, undefined, options) };
    use(started);
  });
  afterAll(async () => {
    await started?.gw.close();
    await started?.up.close();
  });
}
