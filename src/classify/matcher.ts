/**
 * The classifier: the hot path of every inspected request. Everything that can be prepared is
 * prepared once in createClassifier (grades, the keyword automaton over built-in dictionaries
 * and operator keywords, operator patterns); classify() then scans each leaf once
 * (scanner.ts) and finishes with the few checks that need several leaves (cross-leaf.ts).
 */
import type { Leaf } from '../body/leaf.js';
import { genotypeCallParents, parentPointer, siblingCoordinates } from './cross-leaf.js';
import { CustomRules, type CustomRuleSpec } from './custom.js';
import { chinaDate } from './detectors/id-card.js';
import { lookupField } from './fields.js';
import type { Finding } from './finding.js';
import { builtinKeywords, type KeywordInfo } from './keyword-table.js';
import { KeywordAutomaton } from './keywords.js';
import { RULES } from './rules.js';
import { LeafScanner } from './scanner.js';
import { BUILTIN_CATEGORIES, type Grade } from './taxonomy.js';

export { RULES } from './rules.js';
export type { CustomRuleSpec } from './custom.js';

export interface Classifier {
  classify(leaves: readonly Leaf[], now: Date): Finding[];
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

  return {
    classify(leaves: readonly Leaf[], now: Date): Finding[] {
      const today = chinaDate(now);
      const out: Finding[] = [];
      custom.startRequest();
      scanner.pendingRsids.length = 0;
      let genetic = false;
      const healthParents = new Map<string, boolean>();
      for (let i = 0; i < leaves.length; i++) {
        const leaf = leaves[i]!;
        // A decoded container's children carry its content; reading both would report twice.
        if (leaf.container === true) continue;
        scanner.scan(leaf, i, today, out, underHealth(leaf.location, healthParents));
        genetic ||= scanner.geneticContext;
      }

      siblingCoordinates(leaves, (i, rule) => {
        const leaf = leaves[i]!;
        out.push({
          category: 'pi.location', grade: grade('pi.location'), rule: rule === 'fields' ? RULES.locationFields : RULES.locationArray,
          location: leaf.location, leafIndex: i, start: 0, end: leaf.value.length, confidence: 0.9,
        });
      });

      if (scanner.pendingRsids.length > 0) {
        const calls = genetic ? undefined : genotypeCallParents(leaves);
        for (const r of scanner.pendingRsids) {
          const leaf = leaves[r.leafIndex]!;
          if (!genetic && !calls!.has(parentPointer(leaf.location))) continue;
          out.push({
            category: 'important.genetic', grade: grade('important.genetic'), rule: RULES.geneticRsid,
            location: leaf.location, leafIndex: r.leafIndex, start: r.start, end: r.end, confidence: 0.85,
          });
        }
      }
      return dedupe(out);
    },
  };
}

/** Whether an object above the leaf is named for medical content ("/medical/notes"). */
function underHealth(location: string, cache: Map<string, boolean>): boolean {
  const parent = parentPointer(location);
  if (parent.length <= 1) return false;
  const hit = cache.get(parent);
  if (hit !== undefined) return hit;
  let result = false;
  for (const segment of parent.split('/')) {
    if (segment.length > 1 && lookupField(segment)?.category === 'pi.health') {
      result = true;
      break;
    }
  }
  cache.set(parent, result);
  return result;
}

/** Two rules may find the same span (a label and a trigger); report it once. */
function dedupe(findings: Finding[]): Finding[] {
  if (findings.length < 2) return findings;
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.leafIndex}|${f.category}|${f.start}|${f.end}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
