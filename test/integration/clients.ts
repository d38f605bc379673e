import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { request, type ProxyAgent } from 'undici';
import { expect } from 'vitest';
import type { AuditEvent } from '../../src/audit/event.js';
import { eventually, type TestGateway } from './harness.js';

/**
 * Clients for end-to-end tests that look at the gateway's answers: undici in absolute form,
 * node:http with a raw request target, CONNECT on a raw socket, and the audit event of a reply.
 */

export type Reply = { status: number; headers: IncomingHttpHeaders; text: string };
export type ErrorBody = { error: { code: string; message: string; decisionId: string; findings: { category: string; location: string; rule: string; reason?: string }[]; reasons?: { rule: string; text: string; clause: string | null }[] } };

// curl must not take a proxy or a no-proxy list from the environment: -x is the only route.
export const CURL_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/_proxy$/i.test(k)));

export async function send(agent: ProxyAgent, url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const res = await request(url, {
    method: (init.method ?? (init.body === undefined ? 'GET' : 'POST')) as 'GET',
    ...(init.body !== undefined ? { body: init.body } : {}),
    headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    dispatcher: agent,
  });
  return { status: res.statusCode, headers: res.headers as IncomingHttpHeaders, text: await res.body.text() };
}

export /** A request whose target is written exactly as given (node:http does not normalise it). */
function rawProxy(gw: TestGateway, target: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : Buffer.from(init.body);
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: gw.port,
        method: init.method ?? (body ? 'POST' : 'GET'),
        path: target,
        agent: false,
        headers: { ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}), ...init.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A CONNECT on a raw socket: the status line, headers and body of the gateway's answer. */
export function rawConnect(gw: TestGateway, authority: string): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(gw.port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer to CONNECT ${authority}: ${JSON.stringify(data)}`));
    }, 3_000);
    const finish = () => {
      clearTimeout(timer);
      const end = data.indexOf('\r\n\r\n');
      const head = end < 0 ? data : data.slice(0, end);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body: end < 0 ? '' : data.slice(end + 4) });
    };
    socket.on('data', (c: Buffer) => {
      data += c.toString('utf8');
      // An accepted tunnel stays open: stop reading once its status line is there.
      if (/^HTTP\/1\.1 200/.test(data) && data.includes('\r\n\r\n')) {
        socket.destroy();
        finish();
      }
    });
    socket.on('end', finish);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  });
}

export async function eventFor(gw: TestGateway, decisionId: string | string[] | undefined): Promise<AuditEvent> {
  expect(typeof decisionId).toBe('string');
  await eventually(() => gw.audit.events.some((e) => e.decisionId === decisionId));
  const events = gw.audit.events.filter((e) => e.decisionId === decisionId);
  expect(events).toHaveLength(1);
  return events[0]!;
}

export function parseError(reply: Reply): ErrorBody['error'] {
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  return (JSON.parse(reply.text) as ErrorBody).error;
}
