import type { IncomingHttpHeaders } from 'node:http';
import type { Leaf } from '../body/leaf.js';

/** Header names (lower-case) or prefixes ending in "*", compiled once per policy. */
interface NameSet {
  readonly exact: ReadonlySet<string>;
  readonly prefixes: readonly string[];
}

export interface HeaderSelector {
  readonly include: NameSet;
  readonly skip: NameSet;
}

function nameSet(patterns: readonly string[]): NameSet {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const raw of patterns) {
    const pattern = raw.toLowerCase();
    if (pattern.endsWith('*')) prefixes.push(pattern.slice(0, -1));
    else exact.add(pattern);
  }
  return { exact, prefixes };
}

const inSet = (set: NameSet, name: string) => set.exact.has(name) || set.prefixes.some((p) => name.startsWith(p));

export function compileHeaderSelector(include: readonly string[], skip: readonly string[]): HeaderSelector {
  return { include: nameSet(include), skip: nameSet(skip) };
}

function selected(selector: HeaderSelector, name: string): boolean {
  return inSet(selector.include, name) && !inSet(selector.skip, name);
}

/** One leaf per selected header value; location "header:<name>" (with "[i]" for repeats), the
 *  header name as key so names like x-user-phone give field context. */
export function headerLeaves(headers: IncomingHttpHeaders, selector: HeaderSelector): Leaf[] {
  const leaves: Leaf[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || !selected(selector, name)) continue;
    const values = Array.isArray(value) ? value : [value];
    values.forEach((v, i) => {
      if (v.length === 0) return;
      leaves.push({
        location: values.length > 1 ? `header:${name}[${i}]` : `header:${name}`,
        key: name,
        value: v,
        rawStart: 0,
        rawEnd: Buffer.byteLength(v),
        source: 'header',
      });
    });
  }
  return leaves;
}
