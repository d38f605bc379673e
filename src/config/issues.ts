import { EgError } from '../errors.js';

/**
 * Policy issues and how they print. One issue per line, `file:line:col path: message`, so an
 * editor or CI log can jump to it. Paths read like the YAML they point at: keys joined with
 * ".", list positions as "[n]" (0-based), keys that are not plain identifiers quoted —
 * `destinations[1].jurisdiction`, `categories["pi.id_card"].grade`. "(root)" is the whole document,
 * "(syntax)" a YAML syntax error.
 */
export interface PolicyIssue {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
  readonly path: string;
  readonly message: string;
}

/** An issue before it has a position: a path into the document and whether it is about the key. */
export interface RawIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  /** Point at the key itself (unknown keys, invalid map keys) rather than its value. */
  readonly onKey?: boolean;
  /** Already known position (YAML syntax errors): a character offset. */
  readonly offset?: number;
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

export function formatIssue(issue: PolicyIssue): string {
  return `${issue.file}:${issue.line}:${issue.col} ${issue.path}: ${issue.message}`;
}

export class PolicyInvalidError extends EgError {
  readonly issues: readonly PolicyIssue[];

  constructor(issues: readonly PolicyIssue[]) {
    const count = issues.length === 1 ? '1 issue' : `${issues.length} issues`;
    super('EG_POLICY_INVALID', `${count}:\n${issues.map(formatIssue).join('\n')}`);
    this.name = 'PolicyInvalidError';
    this.issues = Object.freeze([...issues]);
  }

  /** Every issue, formatted, in file order. */
  lines(): string[] {
    return this.issues.map(formatIssue);
  }
}

/** The closest candidate within a small edit distance, for "did you mean" hints. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const d = distance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}
