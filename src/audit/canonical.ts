/**
 * Canonical JSON: what JSON.stringify would produce, with object keys sorted (by UTF-16 code
 * units, as RFC 8785 does) at every depth and no whitespace. The chain hashes this form, so any
 * reader in any language can recompute a record's hash from the parsed line without caring how
 * the writer ordered the keys.
 */
export function canonicalJson(value: unknown): string {
  const out = serialise(value);
  if (out === undefined) throw new TypeError('canonicalJson: the value has no JSON form');
  return out;
}

function serialise(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(): unknown }).toJSON();
  }
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'number':
      return JSON.stringify(value);
    case 'bigint':
      throw new TypeError('canonicalJson: BigInt has no JSON form');
    case 'object':
      break;
    default:
      return undefined;
  }
  if (Array.isArray(value)) return `[${value.map((item) => serialise(item) ?? 'null').join(',')}]`;
  const parts: string[] = [];
  for (const key of Object.keys(value as object).sort()) {
    const item = serialise((value as Record<string, unknown>)[key]);
    if (item !== undefined) parts.push(`${JSON.stringify(key)}:${item}`);
  }
  return `{${parts.join(',')}}`;
}
