import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProxyAgent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startDnsResponder, type DnsResponder } from './hardening/ssrf-dns.js';
import { startUpstream, type TestUpstream } from './harness.js';
import { spawnServe, tempDirs, type ServeProcess } from './serve-process.js';

// `serve --dns-servers`: destinations are resolved by the named server (here a UDP responder on
// loopback), in the single process and in every worker of a cluster.

const dirs = tempDirs('eg-dns-');
let served: ServeProcess | undefined;
let dns: DnsResponder | undefined;
let upstream: TestUpstream | undefined;

afterEach(async () => {
  await served?.stop();
  await dns?.close();
  await upstream?.close();
  served = dns = upstream = undefined;
  dirs.cleanup();
});

const POLICY = `version: 1
destinations:
  - name: partner
    jurisdiction: US
    hosts: [api.partner.example]
    allow_special_addresses: true
`;

describe('serve --dns-servers', () => {
  it.each([['1'], ['2']])('resolves destinations with the given server (--workers %s)', async (workers) => {
    upstream = await startUpstream();
    dns = await startDnsResponder((name, type) => (name === 'api.partner.example' && type === 'A' ? { addresses: ['127.0.0.1'] } : { rcode: 3 }));
    const policy = join(dirs.make(), 'policy.yaml');
    writeFileSync(policy, POLICY);
    served = await spawnServe(['--policy', policy, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--audit', '/dev/null', '--no-watch', '--workers', workers, '--dns-servers', dns.server]);
    const agent = new ProxyAgent({ uri: `http://${served.proxy}`, proxyTunnel: false });
    try {
      const ok = await request(`http://api.partner.example:${upstream.port}/hello`, { dispatcher: agent });
      expect([ok.statusCode, await ok.body.text()]).toEqual([200, expect.any(String)]);
      expect(upstream.received.at(-1)!.url).toBe('/hello');
      expect(dns.asked.some((q) => q.name === 'api.partner.example')).toBe(true);
      // A name the server does not know is unresolved, though the system resolver might know it.
      const missing = await request(`http://localhost:${upstream.port}/`, { dispatcher: agent });
      await missing.body.text();
      expect([missing.statusCode, missing.headers['x-egress-error']]).toEqual([502, 'EG_DEST_UNRESOLVED']);
    } finally {
      await agent.close();
    }
  });

  it('refuses a server that is not an IP address, naming it', async () => {
    await expect(spawnServe(['--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--workers', '1', '--dns-servers', '10.0.0.10, dns.example:53'], { timeoutMs: 8_000 })).rejects.toThrow(
      /--dns-servers "dns\.example:53": expected an IP address/,
    );
  });
});
