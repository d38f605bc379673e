/** The header block of one multipart part: the fields the body parser needs. */
import { isUtf8 } from 'node:buffer';

export interface PartHeaders {
  /** Content-Disposition name; undefined when the part has none. */
  readonly name: string | undefined;
  /** Content-Disposition filename (filename* preferred); undefined for non-file fields. */
  readonly filename: string | undefined;
  readonly contentType: string | undefined;
  /** Lower-cased Content-Transfer-Encoding, if any. */
  readonly transferEncoding: string | undefined;
}

export function parsePartHeaders(block: Buffer): PartHeaders {
  // Browsers send UTF-8 names raw (RFC 7578 §5.1); older clients send latin1.
  const text = block.toString(isUtf8(block) ? 'utf8' : 'latin1');
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
  return {
    name: disposition.get('name'),
    filename: disposition.get('filename*') ?? disposition.get('filename'),
    contentType: fields.get('content-type'),
    transferEncoding: fields.get('content-transfer-encoding')?.toLowerCase(),
  };
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
