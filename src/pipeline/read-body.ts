import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

export type BodyRead =
  | { readonly complete: true; readonly body: Buffer }
  /** Over the limit: what was read so far and a stream of the whole body (prefix + rest). */
  | { readonly complete: false; readonly declaredLength: number | null; readonly whole: () => Readable };

/** True when the request has a body to read (RFC 9112 §6.3). */
export function hasBody(req: IncomingMessage): boolean {
  const te = req.headers['transfer-encoding'];
  if (te !== undefined) return true;
  const cl = req.headers['content-length'];
  return cl !== undefined && cl !== '0';
}

/**
 * Buffers a request body up to `limit` bytes. A declared length over the limit is known before
 * any byte is read; a chunked body is read until it passes the limit. Either way nothing is
 * dropped: the caller may still stream the whole body on.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  const declared = req.headers['content-length'] !== undefined ? Number(req.headers['content-length']) : null;
  if (declared !== null && declared > limit) {
    return Promise.resolve({ complete: false, declaredLength: declared, whole: () => req });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        const prefix = chunks.splice(0);
        resolve({
          complete: false,
          declaredLength: declared,
          whole: () =>
            Readable.from(
              (async function* () {
                yield* prefix;
                for await (const chunk of req) yield chunk as Buffer;
              })(),
              { objectMode: false },
            ),
        });
      }
    };
    const onEnd = () => {
      cleanup();
      resolve({ complete: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onAborted = () => {
      cleanup();
      reject(Object.assign(new Error('client aborted the request body'), { code: 'ECONNRESET' }));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
