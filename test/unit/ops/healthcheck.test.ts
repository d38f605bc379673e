import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { check, healthcheckTarget } from '../../../src/ops/healthcheck.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function admin(status: (path: string) => number): Promise<number> {
  server = createServer((req, res) => {
    res.writeHead(status(req.url ?? '/'));
    res.end();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('container health check (HEALTHCHECK CMD node dist/src/ops/healthcheck.js)', () => {
  it('asks loopback when the admin listener binds every interface', () => {
    expect(healthcheckTarget('0.0.0.0:9901')).toEqual({ host: '127.0.0.1', port: 9901 });
    expect(healthcheckTarget('[::]:9902')).toEqual({ host: '::1', port: 9902 });
    expect(healthcheckTarget(':9903')).toEqual({ host: '127.0.0.1', port: 9903 });
    expect(healthcheckTarget(undefined)).toEqual({ host: '127.0.0.1', port: 9901 });
    expect(() => healthcheckTarget('nonsense')).toThrow();
  });

  it('passes on 200 from /healthz, fails on any other status, and on a closed port', async () => {
    const port = await admin((path) => (path === '/healthz' ? 200 : 503));
    expect(await check(`0.0.0.0:${port}`)).toBe(true);
    expect(await check(`127.0.0.1:${port}`, '/readyz')).toBe(false);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    expect(await check(`127.0.0.1:${port}`)).toBe(false);
  });
});
