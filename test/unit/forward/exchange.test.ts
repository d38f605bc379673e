import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { exchange, UpstreamBody, type UpstreamAnswer } from '../../../src/forward/exchange.js';
import { ClientGone } from '../../../src/forward/upstream.js';

const servers: Server[] = [];
const agents: Agent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.destroy()));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

function ask(port: number, signal = new ClientGone()): Promise<UpstreamAnswer> {
  const agent = new Agent();
  agents.push(agent);
  return exchange(agent, { origin: `http://127.0.0.1:${port}`, path: '/', method: 'GET', headers: {}, body: null }, signal);
}

/** Relays `body` to a real client through a second server, as the gateway does; the client's
 *  received bytes, or the error its request or pipeTo saw. */
async function relayToClient(body: UpstreamBody): Promise<{ bytes: Buffer | null; pipeError: Error | null; counted: number }> {
  let counted = 0;
  let pipeError: Error | null = null;
  let piped!: Promise<void>;
  const port = await listen((_req, res) => {
    res.writeHead(200);
    piped = body.pipeTo(res, (n) => (counted += n)).catch((err: Error) => void (pipeError = err));
  });
  const bytes = await new Promise<Buffer | null>((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', () => resolve(null));
      res.on('aborted', () => resolve(null));
    });
    req.on('error', () => resolve(null));
    req.end();
  });
  await piped;
  return { bytes, pipeError, counted };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('exchange and UpstreamBody', () => {
  it('answers with the final status after 1xx answers, and relays head and body', async () => {
    const port = await listen((_req, res) => {
      res.writeProcessing();
      res.writeHead(201, { 'content-type': 'text/plain', 'x-a': ['1', '2'] });
      res.end('made');
    });
    const answer = await ask(port);
    expect(answer.statusCode).toBe(201);
    expect(answer.headers['content-type']).toBe('text/plain');
    expect(answer.headers['x-a']).toEqual(['1', '2']);
    const { bytes, pipeError, counted } = await relayToClient(answer.body);
    expect(pipeError).toBeNull();
    expect(bytes?.toString()).toBe('made');
    expect(counted).toBe(4);
  });

  it('holds a large answer paused while nothing reads it, then streams all of it byte for byte', async () => {
    const total = 32 * 1024 * 1024;
    const payload = Buffer.alloc(total);
    for (let i = 0; i < total; i += 4) payload.writeUInt32LE((i * 2654435761) >>> 0, i);
    let flushed = 0;
    const port = await listen(async (_req, res) => {
      res.writeHead(200, { 'content-length': String(total) });
      for (let at = 0; at < total; at += 65536) {
        if (!res.write(payload.subarray(at, at + 65536))) await once(res, 'drain');
        flushed = at + 65536;
      }
      res.end();
    });
    const answer = await ask(port);
    await new Promise((r) => setTimeout(r, 300));
    // Paused: the upstream cannot get 32 MiB out while the gateway holds only its first 64 KiB
    // and the sockets' buffers (a few MiB on loopback).
    expect(flushed).toBeLessThan(total);
    const { bytes, pipeError, counted } = await relayToClient(answer.body);
    expect(pipeError).toBeNull();
    expect(bytes?.length).toBe(total);
    expect(sha(bytes!)).toBe(sha(payload));
    expect(counted).toBe(total);
  });

  it('keeps an error that arrives while the body is held, and pipeTo rejects with it', async () => {
    const port = await listen((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const answer = await ask(port);
    await new Promise((r) => setTimeout(r, 150));
    expect(answer.body.error).not.toBeNull();
    const { pipeError } = await relayToClient(answer.body);
    expect(pipeError).toBe(answer.body.error);
  });

  it('cuts the client response when the upstream fails mid-body after the relay started', async () => {
    const port = await listen((_req, res) => {
      res.writeHead(200, { 'content-length': '100000' });
      res.write(Buffer.alloc(1000, 97));
      setTimeout(() => res.socket?.destroy(), 100);
    });
    const answer = await ask(port);
    const { bytes, pipeError } = await relayToClient(answer.body);
    expect(bytes).toBeNull();
    expect((pipeError as { code?: string } | null)?.code).toMatch(/^UND_ERR_SOCKET$|^ECONNRESET$/);
  });

  it('aborts with UND_ERR_ABORTED when the client goes before the answer starts', async () => {
    let upstreamClosed!: Promise<unknown>;
    const port = await listen((req) => {
      upstreamClosed = once(req.socket as Socket, 'close');
    });
    const signal = new ClientGone();
    const pending = ask(port, signal);
    await new Promise((r) => setTimeout(r, 50));
    signal.abort();
    await expect(pending).rejects.toMatchObject({ code: 'UND_ERR_ABORTED' });
    await upstreamClosed;
  });

  it('aborts a held answer when the client goes, and the body reports it', async () => {
    const port = await listen((_req, res) => {
      res.writeHead(200, { 'content-length': '100000' });
      res.write('first');
    });
    const signal = new ClientGone();
    const answer = await ask(port, signal);
    signal.abort();
    await new Promise((r) => setTimeout(r, 20));
    expect(answer.body.error).toMatchObject({ code: 'UND_ERR_ABORTED' });
  });

  it('UpstreamBody.of relays a body made up locally', async () => {
    const { bytes, counted } = await relayToClient(UpstreamBody.of(Buffer.from('{"ok":true}')));
    expect(bytes?.toString()).toBe('{"ok":true}');
    expect(counted).toBe(11);
  });
});
