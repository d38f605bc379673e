/**
 * Operator rules (policy `rules:`): field names, JSON Pointer paths, a pattern with an optional
 * check-digit validator, and keywords. Everything is compiled when the classifier is built;
 * keywords join the one keyword automaton. Operator patterns are the only regexes that touch
 * whole values, so they are vetted (regex-safety.ts) and run on bounded windows under a time
 * budget per request: a slow pattern costs at most a window, never a hung request.
 */
import { foldAlnum } from './chars.js';
import { normalizeFieldName } from './fields.js';
import type { KeywordInfo } from './keyword-table.js';
import type { KeywordSpec } from './keywords.js';
import { regexProblems } from './regex-safety.js';
import type { CategoryId } from './taxonomy.js';
import { VALIDATORS, type ValidatorName } from './validators.js';

export interface CustomRuleSpec {
  /** Operator rule id, used as the finding's rule id ("custom.<id>"). */
  readonly id: string;
  /** May be an operator category; its grade comes from categoryGrades. */
  readonly category: string;
  /** Field names: a non-empty value under such a key is a finding (names normalised like the
   *  dictionary: case, "_", "-", ".", brackets, a closing parenthetical and trailing digits do not matter). */
  readonly fields?: readonly string[];
  /** JSON Pointers matched against leaf.location; a segment "*" matches one segment. */
  readonly paths?: readonly string[];
  /** JS regex source, run over leaf values (global); the whole match is the finding span. */
  readonly pattern?: string;
  /** Only "i" and "u". */
  readonly flags?: string;
  /** Applied to the match (its letters and digits only) before it counts. */
  readonly validator?: ValidatorName;
  /** Words (zh/en, case-insensitive for Latin) whose presence in a value is a finding. */
  readonly keywords?: readonly string[];
  /** Default 0.9. */
  readonly confidence?: number;
}

export const DEFAULT_CUSTOM_CONFIDENCE = 0.9;
/** Operator regexes see at most this many chars at once; longer values go in windows that
 *  overlap by WINDOW_OVERLAP, so a match up to that long is never cut in two. */
export const PATTERN_WINDOW = 16 * 1024;
export const PATTERN_WINDOW_OVERLAP = 512;
/** Total time operator patterns may take per request before the rest are skipped. */
export const PATTERN_BUDGET_MS = 50;

/**
 * Human-readable problems with a rule, [] when it is fine. The policy schema checks the
 * structure (id syntax, flag letters, at least one matcher, validator needs a pattern,
 * confidence range); this checks what only the classifier knows: whether the pattern may run
 * on the hot path, and whether paths, fields and keywords can ever match.
 */
export function validateCustomRule(spec: CustomRuleSpec): string[] {
  const problems: string[] = [];
  if (spec.pattern !== undefined) {
    problems.push(...regexProblems(spec.pattern, (spec.flags ?? '').replace(/[^iu]/g, '')));
  }
  for (const path of spec.paths ?? []) {
    const p = pathProblem(path);
    if (p !== undefined) problems.push(p);
  }
  for (const field of spec.fields ?? []) {
    if (normalizeFieldName(field) === '') problems.push(`field "${field}" is empty once normalised (case, "_", "-", ".", brackets, a closing parenthetical and trailing digits are ignored)`);
  }
  for (const word of spec.keywords ?? []) {
    const w = word.trim();
    if (w.length === 0) problems.push('a keyword is blank');
    else if (/^[\x20-\x7e]{1,2}$/.test(w)) problems.push(`keyword "${w}" is too short: a one- or two-letter Latin keyword matches inside ordinary text; use a longer word or a pattern`);
  }
  return problems;
}

function pathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return `path "${path}" must be a JSON Pointer starting with "/"`;
  if (/~(?![01])/.test(path)) return `path "${path}": "~" must be escaped as "~0" ("/" as "~1")`;
  return undefined;
}

export interface CompiledRule {
  readonly rule: string;
  readonly category: CategoryId;
  readonly confidence: number;
}

interface PathRule extends CompiledRule {
  readonly segments: readonly string[];
}

interface PatternRule extends CompiledRule {
  readonly re: RegExp;
  readonly validator: ((s: string) => boolean) | undefined;
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** What the matcher runs for the operator's rules; built once per classifier. */
export class CustomRules {
  readonly keywords: KeywordSpec<KeywordInfo>[] = [];
  private readonly byField = new Map<string, CompiledRule[]>();
  private readonly paths: PathRule[] = [];
  private readonly patterns: PatternRule[] = [];
  private budgetLeft = PATTERN_BUDGET_MS;
  /** Set when a request ran out of pattern budget (the rest of its values were not matched). */
  truncated = false;

  constructor(specs: readonly CustomRuleSpec[]) {
    for (const spec of specs) {
      // The loader refuses bad rules; one that slips through is left out, never run.
      if (validateCustomRule(spec).length > 0) continue;
      const base: CompiledRule = {
        rule: `custom.${spec.id}`,
        category: spec.category,
        confidence: spec.confidence ?? DEFAULT_CUSTOM_CONFIDENCE,
      };
      for (const field of spec.fields ?? []) {
        const norm = normalizeFieldName(field);
        const list = this.byField.get(norm) ?? [];
        list.push(base);
        this.byField.set(norm, list);
      }
      for (const path of spec.paths ?? []) {
        this.paths.push({ ...base, segments: path.slice(1).split('/').map(unescapePointer) });
      }
      if (spec.pattern !== undefined) {
        const flags = `g${(spec.flags ?? '').replace(/[^iu]/g, '')}`;
        this.patterns.push({ ...base, re: new RegExp(spec.pattern, flags), validator: spec.validator ? VALIDATORS[spec.validator] : undefined });
      }
      for (const word of spec.keywords ?? []) {
        this.keywords.push({ word: word.trim(), payload: { kind: 'custom', category: base.category, rule: base.rule, confidence: base.confidence } });
      }
    }
  }

  get hasLeafRules(): boolean {
    return this.byField.size > 0 || this.paths.length > 0;
  }

  get hasPatterns(): boolean {
    return this.patterns.length > 0;
  }

  startRequest(): void {
    this.budgetLeft = PATTERN_BUDGET_MS;
    this.truncated = false;
  }

  /** Rules that claim the whole value by its field name or location. */
  leafRules(key: string | undefined, location: string): CompiledRule[] {
    const out: CompiledRule[] = [];
    if (key !== undefined && this.byField.size > 0) out.push(...(this.byField.get(normalizeFieldName(key)) ?? []));
    if (this.paths.length > 0 && location.startsWith('/')) {
      const segs = location.slice(1).split('/').map(unescapePointer);
      for (const p of this.paths) {
        if (p.segments.length === segs.length && p.segments.every((s, i) => s === '*' || s === segs[i])) out.push(p);
      }
    }
    return out;
  }

  /** Pattern matches in `value`: calls `found` with each match's span. */
  matchPatterns(value: string, found: (rule: CompiledRule, start: number, end: number) => void): void {
    for (const p of this.patterns) {
      if (this.budgetLeft <= 0) {
        this.truncated = true;
        return;
      }
      const t0 = performance.now();
      const seen = new Set<number>();
      for (let from = 0; from < value.length; from += PATTERN_WINDOW - PATTERN_WINDOW_OVERLAP) {
        const to = Math.min(value.length, from + PATTERN_WINDOW);
        const window = from === 0 && to === value.length ? value : value.slice(from, to);
        p.re.lastIndex = 0;
        let m: RegExpExecArray | null;
        while ((m = p.re.exec(window)) !== null) {
          if (m[0].length === 0) {
            p.re.lastIndex++;
            continue;
          }
          const start = from + m.index;
          if (seen.has(start)) continue;
          seen.add(start);
          if (p.validator !== undefined && !p.validator(alnumFold(m[0]))) continue;
          found(p, start, start + m[0].length);
        }
        if (to === value.length) break;
        if (performance.now() - t0 > this.budgetLeft) break;
      }
      this.budgetLeft -= performance.now() - t0;
    }
  }
}

/** The letters and digits of a match, full width folded and upper-cased. */
function alnumFold(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const f = foldAlnum(s.charCodeAt(i));
    if (f >= 0) out += String.fromCharCode(f);
  }
  return out;
}
