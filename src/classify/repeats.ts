/**
 * A name found once is the same person wherever the request repeats it: "收件人：张伟。张伟，您好",
 * {"contact": "张伟", "note": "请张伟周末来取"}. Names are found by their context (a field, a label,
 * a trigger word), which a repetition rarely has again, so each other occurrence is reported
 * here, and redaction masks every one.
 */
import type { Leaf } from '../body/leaf.js';
import { isCjkCode } from './chars.js';
import type { Finding } from './finding.js';
import { RULES } from './rules.js';
import { NAME } from './scan-host.js';

/** The distinct names the findings hold, as written in their leaves: Han names of two or more
 *  ideographs, Latin names of two or more words. Shorter ones repeat by chance. */
export function foundNames(leaves: readonly Leaf[], findings: readonly Finding[]): string[] {
  let names: Set<string> | undefined;
  for (const f of findings) {
    if (f.category !== NAME) continue;
    const text = leaves[f.leafIndex]!.value.slice(f.start, f.end).trim();
    if (isRepeatableName(text)) (names ??= new Set()).add(text);
  }
  return names === undefined ? [] : [...names];
}

function isRepeatableName(text: string): boolean {
  if (text.length < 2 || text.length > 32) return false;
  if (isCjkCode(text.charCodeAt(0))) {
    for (let i = 0; i < text.length; i++) if (!isCjkCode(text.charCodeAt(i)) && text.charCodeAt(i) !== 0xb7) return false;
    return true;
  }
  return text.length >= 5 && text.includes(' ');
}

/** The other occurrences of `names` in the leaves, as findings of the name whose grade they
 *  share; a Latin name only as a whole word. */
export function repeatedNames(leaves: readonly Leaf[], findings: readonly Finding[], names: readonly string[]): Finding[] {
  const out: Finding[] = [];
  const first = new Map<string, Finding>();
  for (const f of findings) {
    if (f.category === NAME) first.set(leaves[f.leafIndex]!.value.slice(f.start, f.end).trim(), f);
  }
  for (let i = 0; i < leaves.length; i++) {
    const leaf = leaves[i]!;
    if (leaf.container === true) continue;
    const v = leaf.value;
    for (const name of names) {
      for (let at = v.indexOf(name); at >= 0; at = v.indexOf(name, at + name.length)) {
        const end = at + name.length;
        if (!isCjkCode(name.charCodeAt(0)) && !(isWordEdge(v, at - 1) && isWordEdge(v, end))) continue;
        if (covered(findings, i, at, end)) continue;
        const like = first.get(name)!;
        out.push({ category: NAME, grade: like.grade, rule: RULES.nameRepeat, location: leaf.location, leafIndex: i, start: at, end, confidence: like.confidence * 0.9 });
      }
    }
  }
  return out;
}

function isWordEdge(v: string, i: number): boolean {
  if (i < 0 || i >= v.length) return true;
  const c = v.charCodeAt(i) | 32;
  return !(c >= 97 && c <= 122) && !(v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57);
}

function covered(findings: readonly Finding[], leafIndex: number, start: number, end: number): boolean {
  for (const f of findings) if (f.leafIndex === leafIndex && f.category === NAME && f.start <= start && f.end >= end) return true;
  return false;
}

/** Whether `body` holds one of `names` more often than the leaves read do: a parse that left
 *  plain leaves out (plain.ts) dropped a repetition, and the body must be read whole. */
export function bodyRepeatsMore(body: Buffer, leaves: readonly Leaf[], names: readonly string[]): boolean {
  for (const name of names) {
    const bytes = Buffer.from(name, 'utf8');
    let inBody = 0;
    for (let at = body.indexOf(bytes); at >= 0; at = body.indexOf(bytes, at + bytes.length)) inBody++;
    let inLeaves = 0;
    for (const leaf of leaves) {
      if (leaf.container === true) continue;
      for (let at = leaf.value.indexOf(name); at >= 0; at = leaf.value.indexOf(name, at + name.length)) inLeaves++;
    }
    if (inBody > inLeaves) return true;
  }
  return false;
}
