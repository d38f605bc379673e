import { createSocket, type Socket } from 'node:dgram';
import { isIPv4 } from 'node:net';

/**
 * A tiny authoritative DNS server on 127.0.0.1 (UDP) answering from a script, so that tests can
 * make a name change its answer between two queries (DNS rebinding) or fail (NXDOMAIN) the way
 * a real server does. Answers carry TTL 0: nothing may cache them.
 */
export interface DnsAnswer {
  /** Addresses answered for an A (IPv4) or AAAA (IPv6) question; the other family is left out. */
  readonly addresses?: readonly string[];
  /** 3 = NXDOMAIN, 2 = SERVFAIL. */
  readonly rcode?: number;
}

export interface DnsResponder {
  /** "127.0.0.1:port", as for Resolver.setServers. */
  readonly server: string;
  /** Every question received: name and type ("A", "AAAA", or the number). */
  readonly asked: { name: string; type: string }[];
  close(): Promise<void>;
}

const TYPES: Record<number, string> = { 1: 'A', 28: 'AAAA' };

/** `script(name, type, n)`: n counts the questions for that name and type, from 1. */
export async function startDnsResponder(script: (name: string, type: string, n: number) => DnsAnswer): Promise<DnsResponder> {
  const socket: Socket = createSocket('udp4');
  const asked: { name: string; type: string }[] = [];
  const counts = new Map<string, number>();
  socket.on('message', (msg, peer) => {
    const question = parseQuestion(msg);
    if (!question) return;
    const type = TYPES[question.qtype] ?? String(question.qtype);
    asked.push({ name: question.name, type });
    const key = `${question.name}|${type}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    const answer = script(question.name, type, n);
    const wanted = (answer.addresses ?? []).filter((a) => (type === 'A' ? isIPv4(a) : type === 'AAAA' && !isIPv4(a)));
    socket.send(encodeReply(msg, question.end, answer.rcode ?? 0, type, wanted), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    server: `127.0.0.1:${socket.address().port}`,
    asked,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function parseQuestion(msg: Buffer): { name: string; qtype: number; end: number } | undefined {
  if (msg.length < 12 || msg.readUInt16BE(4) !== 1) return undefined;
  const labels: string[] = [];
  let at = 12;
  while (at < msg.length && msg[at]! !== 0) {
    const len = msg[at]!;
    labels.push(msg.subarray(at + 1, at + 1 + len).toString('latin1'));
    at += 1 + len;
  }
  if (at + 5 > msg.length) return undefined;
  return { name: labels.join('.').toLowerCase(), qtype: msg.readUInt16BE(at + 1), end: at + 5 };
}

function encodeReply(query: Buffer, questionEnd: number, rcode: number, type: string, addresses: readonly string[]): Buffer {
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  // QR=1, opcode 0, AA=1, RD copied from the query, RA=1.
  header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | (rcode & 0xf), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(rcode === 0 ? addresses.length : 0, 6);
  const question = query.subarray(12, questionEnd);
  const records = rcode !== 0 ? [] : addresses.map((address) => {
    const rdata = type === 'A' ? Buffer.from(address.split('.').map(Number)) : v6Bytes(address);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    rr.writeUInt16BE(type === 'A' ? 1 : 28, 2);
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(0, 6); // TTL 0
    rr.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([rr, rdata]);
  });
  return Buffer.concat([header, question, ...records]);
}

function v6Bytes(address: string): Buffer {
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}
