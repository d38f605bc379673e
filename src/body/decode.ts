/**
 * Content-Encoding: decode a request body for inspection, and encode it again after redaction.
 *
 * The limits are enforced inside zlib (`maxOutputLength`): zlib stops and throws as soon as
 * its output passes the limit, so a compression bomb never allocates more than the limit plus
 * one zlib chunk. Besides the absolute size, the expansion ratio is capped: a small body that
 * inflates a thousandfold is a bomb even when it fits, and costs the proxy CPU for nothing.
 */
import zlib from 'node:zlib';
import { EgError } from '../errors.js';

type Coding = 'gzip' | 'deflate' | 'br';

/** Content codings in the order they were applied (the header order); identity dropped. */
export function parseContentEncoding(contentEncoding: string | undefined): Coding[] {
  if (contentEncoding === undefined) return [];
  const codings: Coding[] = [];
  for (const raw of contentEncoding.split(',')) {
    const token = raw.trim().toLowerCase();
    // Empty list elements are legal in HTTP list syntax (RFC 9110 §5.6.1).
    if (token === '' || token === 'identity') continue;
    if (token === 'gzip' || token === 'x-gzip') codings.push('gzip');
    else if (token === 'deflate') codings.push('deflate');
    else if (token === 'br') codings.push('br');
    // The token is a header value, not body content, and tells the operator what to fix.
    else throw new EgError('EG_ENCODING_UNSUPPORTED', `content-encoding "${token.slice(0, 40)}" is not supported`);
  }
  return codings;
}

export interface RatioLimit {
  /** Largest decoded size per received byte, over all stacked codings together. Real JSON and
   *  text compress 5–20×; bombs 1000× and more. */
  readonly maxRatio: number;
  /** Decoded sizes up to this are exempt: small, very repetitive payloads are still read. */
  readonly exemptBytes: number;
}

export const RATIO_LIMIT: RatioLimit = Object.freeze({ maxRatio: 100, exemptBytes: 1024 * 1024 });

export function decodeContent(
  buf: Buffer,
  contentEncoding: string | undefined,
  maxDecodedBytes: number,
  ratio: Partial<RatioLimit> = {},
): Buffer {
  const codings = parseContentEncoding(contentEncoding);
  const { maxRatio, exemptBytes } = { ...RATIO_LIMIT, ...ratio };
  const ratioBytes = Math.max(exemptBytes, Math.floor(buf.length * maxRatio));
  // One cap for every step, so no stage of a stacked chain can balloon either.
  const cap = Math.min(maxDecodedBytes, ratioBytes);
  const overCap = () => (cap < maxDecodedBytes ? tooExpanded(maxRatio, buf.length) : tooLarge(maxDecodedBytes));
  let out = buf;
  // Some clients label an empty body (e.g. a bodiless POST) with their usual encoding; there is
  // nothing to inspect, and zlib would call it truncated.
  if (out.length > 0) {
    for (let i = codings.length - 1; i >= 0; i--) out = decodeOne(out, codings[i]!, cap, overCap);
  }
  if (out.length > maxDecodedBytes) throw tooLarge(maxDecodedBytes);
  if (out.length > ratioBytes) throw tooExpanded(maxRatio, buf.length);
  return out;
}

/** Applies the same coding chain as `contentEncoding` names, in header order. */
export function encodeContent(buf: Buffer, contentEncoding: string | undefined): Buffer {
  let out = buf;
  for (const coding of parseContentEncoding(contentEncoding)) {
    switch (coding) {
      case 'gzip':
        out = zlib.gzipSync(out);
        break;
      // RFC 9110 "deflate" is the zlib format; a raw-deflate input is answered with the
      // standard form, which every conforming receiver reads.
      case 'deflate':
        out = zlib.deflateSync(out);
        break;
      // Quality 11 (zlib's default) costs seconds on multi-megabyte bodies in the request path.
      case 'br':
        out = zlib.brotliCompressSync(out, {
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: 5,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: out.length,
          },
        });
        break;
    }
  }
  return out;
}

function decodeOne(buf: Buffer, coding: Coding, max: number, overCap: () => EgError): Buffer {
  // zlib rejects a maxOutputLength of 0; the final length check covers that case.
  const opts = { maxOutputLength: Math.max(1, max) };
  try {
    switch (coding) {
      case 'gzip':
        return zlib.gunzipSync(buf, opts);
      case 'deflate':
        return hasZlibHeader(buf) ? inflateEither(buf, opts) : zlib.inflateRawSync(buf, opts);
      case 'br':
        return zlib.brotliDecompressSync(buf, opts);
    }
  } catch (err) {
    if (isTooLarge(err)) throw overCap();
    const code = (err as { code?: unknown }).code;
    const why = typeof code === 'string' ? ` (${code})` : '';
    throw new EgError('EG_BODY_UNINSPECTABLE', `${coding} data is corrupt or truncated${why}`, { cause: err });
  }
}

/** A raw stream can start with two bytes that pass the header check (about 1 in 500); if the
 *  zlib reading fails for any reason but size, the raw reading gets its chance. */
function inflateEither(buf: Buffer, opts: zlib.ZlibOptions): Buffer {
  try {
    return zlib.inflateSync(buf, opts);
  } catch (err) {
    if (isTooLarge(err)) throw err;
    try {
      return zlib.inflateRawSync(buf, opts);
    } catch (rawErr) {
      throw isTooLarge(rawErr) ? rawErr : err;
    }
  }
}

/** Some senders use raw deflate for "deflate" (an old IIS habit); the zlib header tells them
 *  apart: CM = 8, window size ≤ 32K, and the 16-bit header is a multiple of 31 (RFC 1950). */
function hasZlibHeader(buf: Buffer): boolean {
  if (buf.length < 2) return false;
  const cmf = buf[0]!;
  const flg = buf[1]!;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0;
}

function isTooLarge(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE';
}

function tooLarge(max: number): EgError {
  return new EgError('EG_BODY_TOO_LARGE', `decoded body exceeds ${max} bytes`);
}

function tooExpanded(maxRatio: number, received: number): EgError {
  return new EgError('EG_BODY_TOO_LARGE', `decoded/encoded ratio exceeds ${maxRatio}:1 (${received} bytes received)`);
}
