import { LRUCache } from 'lru-cache';
import { Pool, type Dispatcher } from 'undici';
import { exchange } from './exchange.js';
import type { UpstreamRequest, UpstreamResponse, UpstreamTimeouts } from './upstream.js';
import type { UpstreamTls } from '../tls/trust.js';

/* The trust store and the name rules are in src/tls/trust.ts, which loading a policy needs
   without the HTTP client. */

/**
 * Keep-alive pools of TLS connections, one per (trust, name, IP, port): a pool never mixes
 * names, so undici never has to tear a connection down because the SNI changed, and its TLS
 * session cache (per pool, keyed by the name) resumes sessions on reconnect.
 */
export function createTlsUpstream(timeouts: UpstreamTimeouts, maxPools = 256): {
  send(request: UpstreamRequest, upstreamTls: UpstreamTls): Promise<UpstreamResponse>;
  close(): Promise<void>;
} {
  const closing = new Set<Promise<void>>();
  const retire = (pool: Pool) => {
    const done = pool.close().catch(() => undefined);
    closing.add(done);
    void done.finally(() => closing.delete(done));
  };
  const pools = new LRUCache<string, Pool>({ max: maxPools, dispose: (pool) => retire(pool) });
  const poolFor = (request: UpstreamRequest, upstreamTls: UpstreamTls): Pool => {
    const key = `${upstreamTls.trust.id}|${upstreamTls.servername ?? ''}|${request.ip}|${request.port}`;
    let pool = pools.get(key);
    if (!pool) {
      const host = request.ip.includes(':') ? `[${request.ip}]` : request.ip;
      pool = new Pool(`https://${host}:${request.port}`, {
        connect: {
          timeout: timeouts.connectMs,
          secureContext: upstreamTls.trust.secureContext(),
          rejectUnauthorized: true,
          ...(upstreamTls.servername ? { servername: upstreamTls.servername } : {}),
        },
        headersTimeout: timeouts.headersMs,
        bodyTimeout: timeouts.bodyMs,
        keepAliveTimeout: 4_000,
      });
      pools.set(key, pool);
    }
    return pool;
  };
  return {
    async send(request, upstreamTls) {
      return exchange(poolFor(request, upstreamTls), {
        path: request.path,
        method: request.method as Dispatcher.HttpMethod,
        headers: request.headers,
        body: request.body,
        // The name checked is the destination's, whatever the Host header says.
        ...(upstreamTls.servername ? { servername: upstreamTls.servername } : {}),
      } as Dispatcher.DispatchOptions, request.signal);
    },
    async close() {
      pools.clear(); // disposes (closes) every pool
      await Promise.all([...closing]);
    },
  };
}
