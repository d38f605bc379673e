/** The header block of one multipart part: the fields the body parser needs. */
import { isUtf8 } from 'node:buffer';

export interface PartHeaders {
  /** Content-Disposition name; undefined when the part has none. */
  readonly name: string | undefined;
  /** Content-Disposition filename (filename* preferred); undefined for non-file fields. */
  readonly filename: string | undefined;
  /** Where that parameter's value is written in the header block, as byte offsets (between
   *  the quotes when quoted; the charset'lang' prefix included for filename*). */
  readonly filenameSpan: { readonly start: number; readonly end: number } | undefined;
  readonly contentType: string | undefined;
  /** Lower-cased Content-Transfer-Encoding, if any. */
  readonly transferEncoding: string | undefined;
}

export function parsePartHeaders(block: Buffer): PartHeaders {
  // Browsers send UTF-8 names raw (RFC 7578 §5.1); older clients send latin1.
  const utf8 = isUtf8(block);
  const text = block.toString(utf8 ? 'utf8' : 'latin1');
  const fields = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue;
    if ((line[0] === ' ' || line[0] === '\t') && last !== undefined) {
      fields.set(last, `${fields.get(last)!} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(last)) fields.set(last, line.slice(colon + 1).trim());
  }
  const disposition = dispositionParams(fields.get('content-disposition') ?? '');
  const extended = disposition.has('filename*');
  return {
    name: disposition.get('name'),
    filename: disposition.get('filename*') ?? disposition.get('filename'),
    filenameSpan: disposition.size > 0 ? filenameSpan(text, extended, utf8) : undefined,
    contentType: fields.get('content-type'),
    transferEncoding: fields.get('content-transfer-encoding')?.toLowerCase(),
  };
}

/** The raw value of the filename (or filename*) parameter in the block, for a filename that
 *  itself carries data ("王芳_身份证.jpg"): the body parser reads it as a leaf of its own. */
function filenameSpan(text: string, extended: boolean, utf8: boolean): { start: number; end: number } | undefined {
  const re = extended ? /;\s*filename\*\s*=\s*(?:"((?:[^"\\\r\n]|\\.)*)"|([^;\r\n]*))/i : /;\s*filename\s*=\s*(?:"((?:[^"\\\r\n]|\\.)*)"|([^;\r\n]*))/i;
  const m = re.exec(text);
  if (m === null) return undefined;
  const value = m[1] ?? m[2]!.trimEnd();
  if (value === '') return undefined;
  const at = m.index + m[0].length - (m[1] !== undefined ? value.length + 1 : m[2]!.length);
  const bytes = (i: number) => (utf8 ? Buffer.byteLength(text.slice(0, i)) : i);
  return { start: bytes(at), end: bytes(at + value.length) };
}

/** `form-data; name="a"; filename*=UTF-8''%E5%90%8D` → its parameters, values unquoted. */
function dispositionParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (let m = re.exec(value); m !== null; m = re.exec(value)) {
    const key = m[1]!.toLowerCase();
    if (params.has(key)) continue;
    // Browsers escape '"' as %22 and leave '\' alone (WHATWG), so only '\"' is unescaped.
    let v = m[2] !== undefined ? m[2].replace(/\\"/g, '"') : m[3]!.trim();
    if (key.endsWith('*')) v = extValue(v) ?? v;
    params.set(key, v);
  }
  return params;
}

/** RFC 8187 ext-value (charset'lang'pct-encoded), UTF-8 only. */
function extValue(v: string): string | undefined {
  const m = /^utf-8'[^']*'(.*)$/i.exec(v);
  if (m === null) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
}
