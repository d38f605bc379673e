import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { EgError } from '../errors.js';
import { compilePolicy } from './compile.js';
import { allowedKeysAt, policySchema, type PolicyWire } from './schema.js';
import { DEFAULT_POLICY_SOURCE, readDefaultPolicyText } from './default-policy.js';
import { policyWarnings } from './warnings.js';
import { closest, PolicyInvalidError, formatPath, type PolicyIssue, type RawIssue } from './issues.js';
import type { CompiledPolicy } from './model.js';
import { semanticIssues } from './validate.js';

export { PolicyInvalidError, formatIssue, type PolicyIssue } from './issues.js';

export { DEFAULT_POLICY_SOURCE };

/** Reads, validates and compiles a policy file. Throws EG_POLICY_READ or PolicyInvalidError. */
export function loadPolicyFile(path: string, options: LoadOptions = {}): CompiledPolicy {
  return loadPolicyText(readPolicyText(path), path, options);
}

/** A policy file's text; EG_POLICY_READ naming the file when it cannot be read. */
export function readPolicyText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new EgError('EG_POLICY_READ', `${path}: ${reason}`, { cause: err });
  }
}

export interface LoadOptions {
  /** The day warnings are computed for (bases expiring or expired); default now. */
  readonly now?: Date;
}

/** The policy shipped with the package (policies/default.yaml), loaded in full. */
export function loadDefaultPolicy(): CompiledPolicy {
  return loadPolicyText(readDefaultPolicyText().text, DEFAULT_POLICY_SOURCE);
}

/** Parses, validates and compiles policy text; `sourceName` is the file named in issues. */
export function loadPolicyText(text: string, sourceName: string, options: LoadOptions = {}): CompiledPolicy {
  const { wire, at } = validatePolicyText(text, sourceName);
  return compilePolicy(wire, { text, name: sourceName }, (policy) => at(policyWarnings(wire, policy, options.now ?? new Date())));
}

/** Parses and validates policy text: the document as the schema returns it, and a function that
 *  places issues file:line:col in it. Throws PolicyInvalidError. */
export function validatePolicyText(text: string, sourceName: string): { wire: PolicyWire; at: (raw: RawIssue[]) => PolicyIssue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (raw: RawIssue[]): PolicyIssue[] => place(raw, doc, lineCounter, sourceName);
  // Warnings too (an unresolved custom tag silently becomes a string), and dangling aliases,
  // which the parser leaves for toJS to throw on without a position.
  const syntax: RawIssue[] = [...doc.errors, ...doc.warnings].map((e) => ({
    path: [],
    message: e.code === 'MULTIPLE_DOCS' ? 'a policy file holds one YAML document; remove the second "---"' : e.message,
    offset: e.pos[0],
  }));
  visit(doc, {
    Alias(_, alias) {
      if (!alias.resolve(doc)) syntax.push({ path: [], message: `unknown alias *${alias.source}`, offset: alias.range?.[0] ?? 0 });
    },
  });
  if (syntax.length > 0) throw new PolicyInvalidError(at(syntax));
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new PolicyInvalidError(at([{ path: [], message: (err as Error).message, offset: 0 }]));
  }
  const result = policySchema.safeParse(raw);
  const issues = result.success ? [] : result.error.issues.flatMap((issue) => fromZod(issue, raw));
  issues.push(...semanticIssues(raw));
  if (issues.length > 0 || !result.success) throw new PolicyInvalidError(at(issues));
  return { wire: result.data, at };
}

function fromZod(issue: z.core.$ZodIssue, raw: unknown): RawIssue[] {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(path);
    return issue.keys.map((key) => {
      const hint = closest(key, allowed);
      const message = hint ? `unknown key; did you mean "${hint}"?` : `unknown key; expected one of ${allowed.join(', ')}`;
      return { path: [...path, key], onKey: true, message };
    });
  }
  if (issue.code === 'invalid_key') {
    return [{ path, onKey: true, message: issue.issues[0]?.message ?? issue.message }];
  }
  const value = valueAt(raw, path);
  if (value === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) {
    return [{ path, message: 'is required' }];
  }
  if (issue.code === 'invalid_type') {
    return [{ path, message: `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${describe(value)}` }];
  }
  if (issue.code === 'invalid_value') {
    const values = issue.values.map(String);
    const hint = typeof value === 'string' ? closest(value, values) : undefined;
    const got = hint ? `; did you mean "${hint}"?` : ` (got ${describe(value)})`;
    return [{ path, message: `must be ${values.length === 1 ? values[0] : `one of ${values.join(', ')}`}${got}` }];
  }
  return [{ path, message: issue.message }];
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
};

function describe(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return String(value);
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/** Positions for issues, sorted in file order (stable for issues at the same place). */
function place(raws: RawIssue[], doc: Document, lines: LineCounter, file: string): PolicyIssue[] {
  const placed = raws.map((raw, index) => {
    const offset = raw.offset ?? offsetOf(doc, raw.path, raw.onKey === true);
    const { line, col } = lines.linePos(offset);
    const path = raw.offset !== undefined ? '(syntax)' : formatPath(raw.path);
    return { issue: { file, line, col, path, message: raw.message }, offset, index };
  });
  placed.sort((a, b) => a.offset - b.offset || a.index - b.index);
  return placed.map((p) => p.issue);
}

/**
 * Start of the YAML node at `path` (or of its key), falling back to the nearest ancestor that
 * exists: a missing required key points at the mapping that lacks it.
 */
function offsetOf(doc: Document, path: readonly PropertyKey[], onKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const segment = path[i];
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(segment));
      if (!pair) break;
      const keyStart = rangeStart(pair.key);
      if (onKey && i === path.length - 1) return keyStart ?? offset;
      next = pair.value;
      offset = rangeStart(next) ?? keyStart ?? offset;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
      if (next === undefined) break;
      offset = rangeStart(next) ?? offset;
    } else {
      break;
    }
    node = next;
  }
  return offset;
}

function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}
