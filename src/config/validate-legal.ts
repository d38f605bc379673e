import { BUILTIN_CATEGORIES } from '../classify/taxonomy.js';
import { closest, type RawIssue } from './issues.js';
import { CATEGORY_ID } from './schema.js';

/**
 * Cross-references of the legal sections (bases, catalogs, clients, redaction), checked on the
 * raw YAML like validate.ts so every issue is reported in one pass. A reference that names
 * nothing would make a basis or entry silently cover nothing: that is an error, not a warning.
 */
export function legalIssues(raw: Record<string, unknown>): RawIssue[] {
  const issues: RawIssue[] = [];
  const destinations = list(raw.destinations);
  const catalogs = list(raw.catalogs);
  const bases = list(raw.bases);
  const clients = list(raw.clients);

  const known = new Set<string>(Object.keys(BUILTIN_CATEGORIES));
  if (isObject(raw.categories)) for (const id of Object.keys(raw.categories)) known.add(id);
  catalogs.forEach((c) => list(c.entries).forEach((e) => typeof e.category === 'string' && known.add(e.category)));
  const checkCategories = (ids: unknown, path: PropertyKey[]): void => {
    list(ids, true).forEach((id, k) => {
      if (typeof id !== 'string' || !CATEGORY_ID.test(id)) return;
      if (id.endsWith('.*')) {
        const prefix = id.slice(0, -1);
        if (![...known].some((c) => c.startsWith(prefix))) issues.push({ path: [...path, k], message: `"${id}" matches no known category` });
        return;
      }
      if (known.has(id)) return;
      const hint = closest(id, known);
      issues.push({ path: [...path, k], message: `unknown category "${id}"${hint ? `; did you mean "${hint}"?` : ''} (new categories are defined under categories)` });
    });
  };

  const recipients = new Set<string>();
  destinations.forEach((d) => {
    if (typeof d.name === 'string') recipients.add(d.name);
    if (typeof d.recipient === 'string') recipients.add(d.recipient);
  });
  destinations.forEach((d, i) => {
    checkCategories(d.non_important, ['destinations', i, 'non_important']);
    checkActionCategories(d.always, ['destinations', i, 'always'], known, issues);
  });
  checkActionCategories(isObject(raw.unknown) ? raw.unknown.always : undefined, ['unknown', 'always'], known, issues);

  unique(clients, 'id', 'clients', 'client', issues);
  unique(bases, 'id', 'bases', 'basis', issues);
  unique(catalogs, 'id', 'catalogs', 'catalog', issues);
  const clientIds = new Set(clients.map((c) => c.id).filter((id): id is string => typeof id === 'string'));
  const catalogKinds = new Map(catalogs.map((c) => [c.id, c.kind]));

  bases.forEach((b, i) => {
    list(b.recipients, true).forEach((r, k) => {
      if (typeof r !== 'string' || recipients.has(r)) return;
      const hint = closest(r, recipients);
      issues.push({ path: ['bases', i, 'recipients', k], message: `"${r}" is neither a destination name nor a destination's recipient${hint ? `; did you mean "${hint}"?` : ''}` });
    });
    checkCategories(b.categories, ['bases', i, 'categories']);
    list(b.clients, true).forEach((c, k) => {
      if (typeof c === 'string' && !clientIds.has(c)) issues.push({ path: ['bases', i, 'clients', k], message: `unknown client "${c}" (clients are defined under clients)` });
    });
    if (typeof b.negative_list === 'string') {
      const kind = catalogKinds.get(b.negative_list);
      if (kind === undefined) issues.push({ path: ['bases', i, 'negative_list'], message: `unknown catalog "${b.negative_list}"` });
      else if (kind !== 'negative_list') issues.push({ path: ['bases', i, 'negative_list'], message: `catalog "${b.negative_list}" is of kind ${String(kind)}, not negative_list` });
    }
  });

  catalogs.forEach((c, i) => {
    unique(list(c.entries), 'id', ['catalogs', i, 'entries'], 'entry', issues);
    list(c.entries).forEach((e, k) => {
      const at = ['catalogs', i, 'entries', k];
      checkCategories(e.categories, [...at, 'categories']);
      checkCategories(e.unless, [...at, 'unless']);
      const detects = e.fields !== undefined || e.paths !== undefined;
      if (c.kind === 'important' && detects && e.category === undefined) {
        issues.push({ path: at, message: 'an important-data entry that matches by fields or paths names the category it creates (category: important.<name>)' });
      }
      if (c.kind !== 'important' && e.category !== undefined) {
        issues.push({ path: [...at, 'category'], message: `only important catalogs create categories; a ${String(c.kind)} entry matches existing ones (categories, fields, paths)` });
      }
      if (c.kind !== 'important' && e.treatment !== undefined) {
        issues.push({ path: [...at, 'treatment'], message: `treatment applies to important catalogs; a ${String(c.kind)} entry has none` });
      }
      if (typeof e.category === 'string' && CATEGORY_ID.test(e.category) && !/^(important|core)\./.test(e.category)) {
        issues.push({ path: [...at, 'category'], message: `a catalog category is important data: name it important.<name> or core.<name> (got "${e.category}")` });
      }
    });
  });

  if (usesHash(raw) && !(isObject(raw.redaction) && isObject(raw.redaction.hash) && (raw.redaction.hash.key_env !== undefined || raw.redaction.hash.key_file !== undefined))) {
    issues.push({ path: ['redaction'], message: 'hash redaction is used but no key is configured: set redaction.hash.key_env or redaction.hash.key_file' });
  }
  return issues;
}

function checkActionCategories(table: unknown, path: PropertyKey[], known: ReadonlySet<string>, issues: RawIssue[]): void {
  if (!isObject(table) || !isObject(table.categories)) return;
  for (const id of Object.keys(table.categories)) {
    if (!CATEGORY_ID.test(id) || id.includes('*') || known.has(id)) continue;
    const hint = closest(id, known);
    issues.push({ path: [...path, 'categories', id], onKey: true, message: `unknown category "${id}"${hint ? `; did you mean "${hint}"?` : ''}` });
  }
}

function usesHash(raw: Record<string, unknown>): boolean {
  if (isObject(raw.redaction) && raw.redaction.default === 'hash') return true;
  const tables = [raw.unknown, ...list(raw.destinations)].flatMap((d) => (isObject(d) ? [d.actions, d.always] : []));
  return tables.some((t) => isObject(t) && (t.default === 'hash' || [t.grades, t.categories].some((m) => isObject(m) && Object.values(m).includes('hash'))));
}

function unique(items: Record<string, unknown>[], key: string, at: PropertyKey | PropertyKey[], what: string, issues: RawIssue[]): void {
  const base = Array.isArray(at) ? at : [at];
  const seen = new Map<unknown, number>();
  items.forEach((item, i) => {
    const value = item[key];
    if (typeof value !== 'string') return;
    const first = seen.get(value);
    if (first === undefined) seen.set(value, i);
    else issues.push({ path: [...base, i, key], message: `${what} id "${value}" is already used at index ${first}` });
  });
}

/** Objects of a list (others are the schema's to report); with `all`, every item. */
function list(value: unknown, all: true): unknown[];
function list(value: unknown): Record<string, unknown>[];
function list(value: unknown, all = false): unknown[] {
  if (!Array.isArray(value)) return [];
  return all ? value : value.map((v) => (isObject(v) ? v : {}));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
