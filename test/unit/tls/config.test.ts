import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarize } from '../../../src/cli/check.js';
import { loadPolicyText } from '../../../src/config/load.js';
import { EgError } from '../../../src/errors.js';
import type { RequestTarget } from '../../../src/pipeline/target.js';
import { createOperatorCa } from '../../../src/tls/ca.js';
import { routeTarget, upstreamTlsFor } from '../../../src/tls/routes.js';
import { parseLeafValidity, parseRouteUpstream } from '../../../src/tls/schema.js';
import { policyIssues } from '../config/helpers.js';

let dir: string;
let certPath: string;
let keyPath: string;
let keyPem: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eg-tls-config-'));
  const ca = await createOperatorCa({ kind: { type: 'ec', curve: 'P-256' } });
  certPath = join(dir, 'ca.crt');
  keyPath = join(dir, 'ca.key');
  keyPem = ca.keyPem;
  writeFileSync(certPath, ca.certPem);
  writeFileSync(keyPath, ca.keyPem);
  writeFileSync(join(dir, 'empty.pem'), 'no certificate here\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));


const PARTNER = `destinations:
  - name: partner
    jurisdiction: US
    hosts: [api.partner.example]
    tls: intercept
`;

describe('policy: tls and routes', () => {
  it('compiles the CA, the leaf settings and tls: intercept (default tunnel)', () => {
    const policy = loadPolicyText(`version: 1\ntls:\n  ca_cert_file: ${certPath}\n  ca_key_file: ${keyPath}\n  leaf_validity: 12h\n  leaf_cache_size: 50\n${PARTNER}  - name: other\n    jurisdiction: US\n    hosts: [other.example]\n`, 'p.yaml');
    expect(policy.tls.ca?.keyKind).toEqual({ type: 'ec', curve: 'P-256' });
    expect(policy.tls.leafValidityMs).toBe(12 * 3_600_000);
    expect(policy.tls.leafCacheSize).toBe(50);
    expect(policy.destinations.map((z) => z.tls)).toEqual(['intercept', 'tunnel']);
    expect(policy.unknownZone.tls).toBe('tunnel');
  });

  it('shows the CA, the routes and the intercepting destinations in `check`', () => {
    const policy = loadPolicyText(`version: 1\ntls:\n  ca_cert_file: ${certPath}\n  ca_key_file: ${keyPath}\nroutes:\n  - match: { host: "*.partner.example" }\n    upstream: https://*:8443\n  - match: { path_prefix: /p/ }\n    upstream: https://api.partner.example\n${PARTNER}`, 'p.yaml');
    const text = summarize(policy);
    expect(text).toMatch(/^tls      operator CA CN=egress-guard interception CA [0-9a-f]{6}, O=egress-guard \(ECDSA P-256, until \d{4}-\d{2}-\d{2}\); leaves 24 h, cache 1000$/m);
    expect(text).toContain('route    host *.partner.example → https://(requested host):8443');
    expect(text).toContain('route    path /p/* → https://api.partner.example:443');
    expect(text).toContain('  tls intercept');
  });

  it('reads the CA key from an environment variable', () => {
    process.env['EG_TEST_TLS_CA_KEY'] = keyPem;
    try {
      const policy = loadPolicyText(`version: 1\ntls:\n  ca_cert_file: ${certPath}\n  ca_key_env: EG_TEST_TLS_CA_KEY\n${PARTNER}`, 'p.yaml');
      expect(policy.tls.ca).not.toBeNull();
    } finally {
      delete process.env['EG_TEST_TLS_CA_KEY'];
    }
    expect(() => loadPolicyText(`version: 1\ntls:\n  ca_cert_file: ${certPath}\n  ca_key_env: EG_TEST_TLS_CA_KEY\n`, 'p.yaml')).toThrow(/EG_TEST_TLS_CA_KEY \(tls.ca_key_env\) is not set/);
  });

  it('refuses interception without an operator CA, and a CA without its key', () => {
    expect(policyIssues(`version: 1\n${PARTNER}`)).toEqual([
      'p.yaml:6:10 destinations[0].tls: interception needs the operator CA: set tls.ca_cert_file and tls.ca_key_file (egress-guard ca init makes them)',
    ]);
    expect(policyIssues(`version: 1\ntls:\n  ca_cert_file: ${certPath}\n`)[0]).toMatch(/tls.ca_cert_file: the operator CA needs its key: set exactly one of ca_key_file or ca_key_env/);
    expect(policyIssues(`version: 1\ntls:\n  leaf_validity: 5m\n`)[0]).toMatch(/tls.leaf_validity: must be a whole number with m, h or d, from 10m to 30d/);
  });

  it('refuses unreadable CA files and extra CA files without a certificate (EG_TLS_CA_INVALID)', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return [(err as EgError).code, (err as EgError).message];
      }
      return null;
    };
    expect(code(() => loadPolicyText(`version: 1\ntls:\n  ca_cert_file: ${join(dir, 'missing.crt')}\n  ca_key_file: ${keyPath}\n`, 'p.yaml'))).toEqual(['EG_TLS_CA_INVALID', expect.stringMatching(/missing\.crt \(tls\.ca_cert_file\): ENOENT/)]);
    expect(code(() => loadPolicyText(`version: 1\ntls:\n  extra_upstream_ca_files: [${join(dir, 'empty.pem')}]\n`, 'p.yaml'))).toEqual(['EG_TLS_CA_INVALID', expect.stringMatching(/empty\.pem: no PEM certificate/)]);
  });

  it('checks routes: https only, a bare origin, an upstream host unless matching on host', () => {
    const routes = (yaml: string) => policyIssues(`version: 1\nroutes:\n${yaml}`);
    expect(routes('  - match: { host: "*.partner.example" }\n    upstream: "https://*:8443"\n')).toEqual([]);
    expect(routes('  - match: { path_prefix: /partner/ }\n    upstream: https://api.partner.example\n')).toEqual([]);
    expect(routes('  - match: { host: a.example }\n    upstream: http://a.example\n')[0]).toMatch(/scheme must be https, not http/);
    expect(routes('  - match: { host: a.example }\n    upstream: https://a.example/v1\n')[0]).toMatch(/not a bare origin URL/);
    expect(routes('  - match: { path_prefix: /p/ }\n')[0]).toMatch(/routes\[0\]\.upstream: a route without match.host names its upstream host/);
    expect(routes('  - match: {}\n    upstream: https://a.example\n')[0]).toMatch(/a route matches on host, path_prefix or both/);
    expect(routes('  - match: { host: "a.*.example" }\n')[0]).toMatch(/"\*" is only allowed as a whole leading label/);
  });
});

describe('parsers', () => {
  it('leaf validity', () => {
    expect(parseLeafValidity('24h')).toBe(86_400_000);
    expect(parseLeafValidity('90m')).toBe(5_400_000);
    expect(parseLeafValidity('30d')).toBe(30 * 86_400_000);
    expect(parseLeafValidity('31d')).toHaveProperty('error');
    expect(parseLeafValidity(24)).toHaveProperty('error');
  });

  it('route upstreams', () => {
    expect(parseRouteUpstream('https://API.Partner.example')).toEqual({ host: 'api.partner.example', port: 443 });
    expect(parseRouteUpstream('https://api.partner.example:8443/')).toEqual({ host: 'api.partner.example', port: 8443 });
    expect(parseRouteUpstream('https://[::1]:8443')).toEqual({ host: '::1', port: 8443 });
    expect(parseRouteUpstream('https://*')).toEqual({ host: '*', port: 443 });
    expect(parseRouteUpstream('https://user@a.example')).toHaveProperty('error');
    expect(parseRouteUpstream('https://a.example:99999')).toHaveProperty('error');
  });
});

describe('routeTarget', () => {
  const policy = loadPolicyText(
    `version: 1
routes:
  - match: { host: special.partner.example }
    upstream: https://gw.partner.example:8443
  - match: { host: "*.partner.example", path_prefix: /v2/ }
  - match: { path_prefix: /partner/ }
    upstream: https://api.partner.example
`,
    'p.yaml',
  );
  const target = (host: string, pathname: string, extra: Partial<RequestTarget> = {}): RequestTarget => ({ via: 'gateway', host, port: 80, pathname, query: null, hostHeader: host, ...extra });
  const routes = policy.tls.routes;

  it('sends a matching request to the route upstream over TLS; the first match wins', () => {
    expect(routeTarget(target('special.partner.example', '/v2/x'), routes)).toMatchObject({ host: 'gw.partner.example', port: 8443, hostHeader: 'gw.partner.example:8443', tls: true });
    expect(routeTarget(target('a.b.partner.example', '/v2/x'), routes)).toMatchObject({ host: 'a.b.partner.example', port: 443, hostHeader: 'a.b.partner.example', tls: true });
    expect(routeTarget(target('127.0.0.1', '/partner/orders', { port: 3128 }), routes)).toMatchObject({ host: 'api.partner.example', port: 443, pathname: '/partner/orders', tls: true });
  });

  it('leaves other requests alone: the apex of a wildcard, another path, TLS already', () => {
    const apex = target('partner.example', '/v2/x');
    expect(routeTarget(apex, routes)).toBe(apex);
    const v1 = target('a.partner.example', '/v1/x');
    expect(routeTarget(v1, routes)).toBe(v1);
    const intercepted = target('special.partner.example', '/v2/x', { via: 'tunnel-tls', port: 443, tls: true });
    expect(routeTarget(intercepted, routes)).toBe(intercepted);
  });

  it('names the host to verify, none for an IP literal', () => {
    expect(upstreamTlsFor(target('a.example', '/'), policy.tls)).toEqual({});
    expect(upstreamTlsFor(target('a.example', '/', { tls: true }), policy.tls).tls?.servername).toBe('a.example');
    expect(upstreamTlsFor(target('10.0.0.1', '/', { tls: true }), policy.tls).tls?.servername).toBeNull();
  });
});
