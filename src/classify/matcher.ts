/**
 * The classifier: the hot path of every inspected request. Everything that can be prepared is
 * prepared once in createClassifier (grades, the keyword automaton over built-in dictionaries
 * and operator keywords, operator patterns); classify() then scans each leaf once
 * (scanner.ts) and finishes with the few checks that need several leaves (cross-leaf.ts).
 */
import type { Leaf, LeafFilter } from '../body/leaf.js';
import { nameishLabel } from './context.js';
import { mayBeCoordinate, mayNameDocumentType, namesIcdSystem, requestFindings } from './cross-leaf.js';
import { CustomRules, type CustomRuleSpec } from './custom.js';
import { chinaDate } from './detectors/id-card.js';
import { keyAxis } from './detectors/location.js';
import { lookupField } from './fields.js';
import type { Finding } from './finding.js';
import { builtinKeywords, type KeywordInfo } from './keyword-table.js';
import { KeywordAutomaton } from './keywords.js';
import { PlainFilter } from './plain.js';
import { foundNames, repeatedNames } from './repeats.js';
import { RULES } from './rules.js';
import { LeafScanner } from './scanner.js';
import { BUILTIN_CATEGORIES, type Grade } from './taxonomy.js';

export { RULES } from './rules.js';
export type { CustomRuleSpec } from './custom.js';

export interface Classifier {
  classify(leaves: readonly Leaf[], now: Date): Finding[];
  /** What a parser may leave out before classify(leaves, now) (plain.ts); undefined when
   *  every leaf must be read (operator rules on field names, paths or patterns). */
  leafFilter?(now: Date): LeafFilter | undefined;
  /** Whether a string is a field name the rules read (a JSON table's header: body/json.ts). */
  isFieldName?(name: string): boolean;
}

/**
 * Builds the classifier once per compiled policy. `categoryGrades` overrides the built-in
 * grades (DOMAIN §4) and grades operator categories; `customRules` are the policy's `rules:`.
 * The returned object is reusable but not re-entrant (classify is sync).
 */
export function createClassifier(categoryGrades: ReadonlyMap<string, Grade>, customRules: readonly CustomRuleSpec[] = []): Classifier {
  const grades = new Map<string, Grade>(Object.entries(BUILTIN_CATEGORIES));
  for (const [category, grade] of categoryGrades) grades.set(category, grade);
  const custom = new CustomRules(customRules);
  const keywords = new KeywordAutomaton<KeywordInfo>([...builtinKeywords(), ...custom.keywords]);
  const scanner = new LeafScanner(grades, keywords, custom);
  const grade = (category: string): Grade => grades.get(category) ?? 'sensitive_pi';
  // Operator rules on names, paths and patterns read leaves the pre-check knows nothing of.
  const filter = custom.hasLeafRules || custom.hasPatterns || !keywords.byWordStart ? undefined : new PlainFilter(keywords);

  return {
    // A record's label or a table's column names its values as a key would ({"key": "pat_nm", "value": …},
    // {"key": "geo.lat", …}).
    isFieldName: (name: string) => name.length <= 64 && (lookupField(name) !== undefined || nameishLabel(name) !== undefined || keyAxis(name) !== undefined),
    leafFilter(now: Date): LeafFilter | undefined {
      if (filter !== undefined) filter.today = chinaDate(now);
      return filter;
    },
    classify(leaves: readonly Leaf[], now: Date): Finding[] {
      const today = chinaDate(now);
      const out: Finding[] = [];
      custom.startRequest();
      scanner.pendingRsids.length = 0;
      let genetic = false;
      // One pass over the leaves: the request-level checks get the indexes of their candidates.
      const coordinates: number[] = [];
      const documentTypes: number[] = [];
      const codingSystems: number[] = [];
      for (let i = 0; i < leaves.length; i++) {
        const leaf = leaves[i]!;
        // A decoded container's children carry its content; reading both would report twice.
        if (leaf.container === true) continue;
        scanner.scan(leaf, i, today, out, medicalAncestor);
        genetic ||= scanner.geneticContext;
        if (mayBeCoordinate(leaf)) coordinates.push(i);
        if (mayNameDocumentType(leaf)) documentTypes.push(i);
        if (namesIcdSystem(leaf)) codingSystems.push(i);
      }
      const scanned = out.length;

      requestFindings(leaves, { coordinates, documentTypes, codingSystems }, scanner.pendingRsids, genetic, (i, category, rule, start, end, confidence) => {
        out.push({ category, grade: grade(category), rule, location: leaves[i]!.location, leafIndex: i, start, end, confidence });
      });
      const names = foundNames(leaves, out);
      if (names !== undefined) out.push(...repeatedNames(leaves, out, names));
      dropUnanchoredHealthWords(out, leaves);
      return dedupe(out, scanned);
    },
  };
}

const medicalAncestor = (leaf: Leaf): boolean => underHealth(leaf.location);

/**
 * A disease or treatment word ("糖尿病", "体检") is someone's health data where the request is
 * about someone: it names a person or holds a record's other marks (a diagnosis field, an
 * ICD-10 code, a dosage), or the words' own value speaks of a patient or a record ("患者",
 * "既往", "处方", "diagnosed", "he"). An article, a drug catalogue or a hospital's list of
 * departments does neither, and its words are dropped. In place.
 */
function dropUnanchoredHealthWords(out: Finding[], leaves: readonly Leaf[]): void {
  let words = false;
  for (const f of out) {
    if (f.rule === RULES.healthKeyword) words = true;
    else if (f.category.startsWith('pi.')) return;
  }
  if (!words) return;
  let k = 0;
  for (const f of out) {
    if (f.rule !== RULES.healthKeyword || PERSONAL_HEALTH.test(sentenceOf(leaves[f.leafIndex]!.value, f.start, f.end).replace(IMPERSONAL, ''))) out[k++] = f;
  }
  out.length = k;
}
/** What a drug's label, a shop or a health article says to anyone: "处方药", "须凭医师处方购买",
 *  "其他" (not 他), "痛风患者应控制饮食". */
const IMPERSONAL = /非处方|处方药|凭(?:医师|医生)?处方|其他|其它|(?:患者|病人)(?:应|需|宜|不宜|要|可|忌)/g;
const PERSONAL_HEALTH = /患者|病人|病患|确诊|既往|诊断|处方|医嘱|病史|病历|主诉|术后|复查|复诊|本人|我|他|她|家属|\b(?:patient|diagnos\w*|history of|he|she|his|her|my|i|me|admitted|discharged|prescribed|ordered|follow-up|positive|negative|rx|dx)\b/i;

/** The sentence around a span: a text body mixes records with other prose. */
function sentenceOf(v: string, start: number, end: number): string {
  let a = start;
  while (a > 0 && start - a < MAX_SENTENCE && !SENTENCE_END.has(v.charCodeAt(a - 1))) a--;
  let b = end;
  while (b < v.length && b - end < MAX_SENTENCE && !SENTENCE_END.has(v.charCodeAt(b))) b++;
  return v.slice(a, b);
}
const SENTENCE_END = new Set([...'。！？!?\n'].map((c) => c.charCodeAt(0)));
const MAX_SENTENCE = 200;

/** Whether an object above the leaf is named for medical content ("/medical/notes"). The
 *  ancestors' segments are judged by the field dictionary; the verdict per segment is kept
 *  (keyed by a hash checked against the text, so a hit allocates nothing). */
const segmentMemo = new Map<number, Array<{ readonly segment: string; readonly medical: boolean }>>();
const SEGMENT_MEMO_LIMIT = 4096;

/** The last verdict and the location it was for: siblings follow one another in the leaves,
 *  so most calls ask about the parent the previous call just judged. */
let lastLocation = '';
let lastParentEnd = -1;
let lastVerdict = false;

function underHealth(location: string): boolean {
  const last = location.lastIndexOf('/');
  if (last === lastParentEnd && sameHead(location, lastLocation, last)) return lastVerdict;
  let verdict = false;
  let i = location.indexOf('/');
  while (i >= 0 && i < last) {
    const j = location.indexOf('/', i + 1);
    if (isMedicalSegment(location, i + 1, j)) {
      verdict = true;
      break;
    }
    i = j;
  }
  lastLocation = location;
  lastParentEnd = last;
  lastVerdict = verdict;
  return verdict;
}

/** Whether a and b agree on their first n code units (both are at least that long). */
function sameHead(a: string, b: string, n: number): boolean {
  if (a === b) return true;
  for (let k = n - 1; k >= 0; k--) if (a.charCodeAt(k) !== b.charCodeAt(k)) return false;
  return true;
}

function isMedicalSegment(s: string, from: number, to0: number): boolean {
  // "/病历|json/诊断": a record held as a JSON string is named by its key all the same.
  const bar = s.indexOf('|', from);
  const to = bar >= 0 && bar < to0 ? bar : to0;
  const c0 = s.charCodeAt(from);
  if (to - from < 2 || (c0 >= 48 && c0 <= 57)) return false;
  let h = 0x811c9dc5;
  for (let k = from; k < to; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
  const bucket = segmentMemo.get(h);
  if (bucket !== undefined) {
    for (const e of bucket) if (e.segment.length === to - from && s.startsWith(e.segment, from)) return e.medical;
  }
  const segment = s.slice(from, to);
  const medical = lookupField(segment)?.category === 'pi.health';
  if (segmentMemo.size >= SEGMENT_MEMO_LIMIT) segmentMemo.clear();
  const list = segmentMemo.get(h) ?? [];
  list.push({ segment, medical });
  segmentMemo.set(h, list);
  return medical;
}

/** Two rules may find the same span (a label and a trigger), or one inside another (a medical
 *  label's value inside the clause of its section word): report the widest once. A leaf's
 *  scanner findings are contiguous, so they are compared within their run; the few
 *  request-level ones (from `scanned` on) against everything. */
function dedupe(findings: Finding[], scanned: number): Finding[] {
  if (findings.length < 2) return findings;
  const out: Array<Finding | undefined> = [];
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    let dup = false;
    for (let j = out.length - 1; j >= 0 && !dup; j--) {
      const g = out[j];
      if (g === undefined) continue;
      if (g.leafIndex !== f.leafIndex) {
        if (i < scanned) break;
        continue;
      }
      if (g.category !== f.category) continue;
      if (g.start <= f.start && g.end >= f.end) dup = true;
      else if (f.start <= g.start && f.end >= g.end) out[j] = undefined;
    }
    if (!dup) out.push(f);
  }
  return out.filter((f): f is Finding => f !== undefined);
}
