/** Media types as parsers need them: the type, its charset and boundary, and what is binary. */

const BINARY_TYPES = new Set([
  'application/octet-stream', 'application/zip', 'application/gzip', 'application/x-gzip',
  'application/pdf', 'application/protobuf', 'application/x-protobuf', 'application/vnd.google.protobuf',
]);
const BINARY_PREFIXES = ['image/', 'audio/', 'video/', 'font/', 'application/grpc'];

// us-ascii is a subset of UTF-8; anything else would need transcoding, and a redacted value
// could not be written back in the sender's charset.
export const TEXT_CHARSETS: ReadonlySet<string> = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);

/** image/svg+xml and other +xml types are text worth reading, whatever their top-level type. */
export function isBinaryType(type: string): boolean {
  if (type.endsWith('+xml')) return false;
  return BINARY_TYPES.has(type) || BINARY_PREFIXES.some((p) => type.startsWith(p));
}

/** Lower-cased `type/subtype` ('' when absent) and the charset parameter, unquoted. */
export function parseMediaType(contentType: string | undefined): { type: string; charset: string | undefined } {
  if (contentType === undefined) return { type: '', charset: undefined };
  const head = contentType.split(';', 1)[0] ?? '';
  const charset = mediaTypeParam(contentType, 'charset')?.toLowerCase();
  return { type: head.trim().toLowerCase(), charset };
}

/** One parameter of a media type, unquoted (case kept: a boundary is case-sensitive). */
export function mediaTypeParam(contentType: string, name: string): string | undefined {
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (let m = re.exec(contentType); m !== null; m = re.exec(contentType)) {
    if (m[1]!.toLowerCase() !== name) continue;
    return m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!.trim();
  }
  return undefined;
}

/** The media type with any charset parameter dropped, for a body that is already text: the
 *  scorer's protocol carries bodies as JSON strings, decoded from whatever charset they were
 *  sent in ("text/plain; charset=gbk"), and `scan` reads them as the UTF-8 it encodes them to. */
export function withoutCharset(contentType: string): string {
  return contentType.replace(/;\s*charset\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^;]*)/gi, '');
}
