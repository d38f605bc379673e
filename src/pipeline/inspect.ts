import { decodeContent } from '../body/decode.js';
import type { Leaf } from '../body/leaf.js';
import { parseBody, type BodyFormat, type OpaquePart, type ParsedBody } from '../body/parse.js';
import { parseText } from '../body/text.js';
import type { Classifier } from '../classify/matcher.js';
import { bodyRepeatsMore, foundNames } from '../classify/repeats.js';
import type { Finding } from '../classify/finding.js';
import { isEgError, type EgError } from '../errors.js';
import type { CompiledPolicy, RedactionSettings, RedactModeName } from '../config/model.js';
import type { Grade } from '../classify/taxonomy.js';
import type { CustomRuleSpec } from '../classify/custom.js';
import { redactBody, type RedactEdit, type RedactMode } from '../transform/redact.js';

export interface BodyInspection {
  readonly parsed: ParsedBody;
  readonly findings: Finding[];
}

/** Parse and classify a decoded body: the one engine behind the gateway and `scan`. The parser
 *  leaves out what the classifier's pre-check calls plain (classify/plain.ts), so `parsed.leaves`
 *  holds the leaves worth reading, findings index into it. Parse errors propagate (the caller
 *  applies its uninspectable rule). */
export function inspectBody(classifier: Classifier, decoded: Buffer, contentType: string | undefined, now: Date): BodyInspection {
  const filter = classifier.leafFilter?.(now);
  const parsed = parseBody(decoded, contentType, { filter, columnName: classifier.isFieldName });
  const findings = parsed.leaves.length > 0 ? classifier.classify(parsed.leaves, now) : [];
  if (filter !== undefined && findings.length > 0) {
    // A name repeated in a leaf the pre-check left out ("请张伟周末来取" beside "contact": "张伟"):
    // the body is read again whole, so that every occurrence is found (classify/repeats.ts).
    const names = foundNames(parsed.leaves, findings);
    if (names !== undefined && bodyRepeatsMore(decoded, parsed.leaves, names)) {
      const whole = parseBody(decoded, contentType, { columnName: classifier.isFieldName });
      return { parsed: whole, findings: classifier.classify(whole.leaves, now) };
    }
  }
  return { parsed, findings };
}

/** Content-decodes, parses and classifies a request body (the gateway's body stage). */
export function inspectDecoded(
  classifier: Classifier,
  raw: Buffer,
  encoding: string | undefined,
  contentType: string | undefined,
  now: Date,
  maxDecodedBytes: number,
): { decoded: Buffer; inspection: BodyInspection } {
  const decoded = decodeContent(raw, encoding, maxDecodedBytes);
  return { decoded, inspection: inspectBody(classifier, decoded, contentType, now) };
}

/** What a classifier is compiled from: an inspection thread builds the same one from it. */
export interface ClassifierSource {
  readonly revision: string;
  readonly categoryGrades: ReadonlyArray<readonly [string, Grade]>;
  readonly customRules: readonly CustomRuleSpec[];
}

export function classifierSource(policy: CompiledPolicy): ClassifierSource {
  return { revision: policy.revision, categoryGrades: [...policy.categoryGrades], customRules: policy.customRules };
}

export interface WorkerRequest {
  readonly id: number;
  readonly source: ClassifierSource;
  /** The body's bytes, transferred (the caller gets them back in the reply). */
  readonly raw: ArrayBuffer;
  readonly encoding: string | undefined;
  readonly contentType: string | undefined;
  readonly now: number;
  readonly maxDecodedBytes: number;
}

export type WorkerReply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly raw: ArrayBuffer;
      /** Null when the decoded body is the raw one (no content-encoding). */
      readonly decoded: ArrayBuffer | null;
      readonly format: BodyFormat;
      readonly leafCount: number;
      readonly leaves: ReadonlyArray<readonly [number, Leaf]>;
      readonly opaque: readonly OpaquePart[];
      readonly findings: Finding[];
    }
  | { readonly id: number; readonly ok: false; readonly raw: ArrayBuffer; readonly code: string | null; readonly detail: string | null };

/**
 * The leaves the rest of the request needs from a parse: those with findings (individuals,
 * redaction) and their ancestors (redaction re-encodes a nested value into its parent). Copying
 * every leaf of a 16 MiB body back across threads would cost the event loop what the thread
 * saved, so only these travel; the receiver rebuilds a sparse array with the same indexes.
 */
export function neededLeaves(leaves: readonly Leaf[], findings: readonly Finding[]): Array<[number, Leaf]> {
  const wanted = new Set<number>();
  for (const f of findings) {
    for (let i: number | undefined = f.leafIndex; i !== undefined && !wanted.has(i); i = leaves[i]?.parent) wanted.add(i);
  }
  return [...wanted].sort((a, b) => a - b).map((i) => [i, leaves[i]!]);
}

/** The inverse of neededLeaves: an array as long as the parse's, holding the needed leaves at
 *  their own indexes (holes elsewhere). */
export function sparseLeaves(count: number, entries: ReadonlyArray<readonly [number, Leaf]>): Leaf[] {
  const leaves = new Array<Leaf>(count);
  for (const [i, leaf] of entries) leaves[i] = leaf;
  return leaves;
}

export interface ScanResult extends BodyInspection {
  /** Set when the body could not be parsed in its declared format: it was then read as text. */
  readonly uninspectable: EgError | null;
}

/** For offline scanning: a body that does not parse in its declared format is still read as
 *  plain text, so the report says what it contains as well as why the gateway would refuse it. */
export function scanBody(classifier: Classifier, decoded: Buffer, contentType: string | undefined, now: Date): ScanResult {
  try {
    return { ...inspectBody(classifier, decoded, contentType, now), uninspectable: null };
  } catch (err) {
    if (!isEgError(err)) throw err;
    let leaves: Leaf[] = [];
    try {
      leaves = parseText(decoded);
    } catch {
      // binary: nothing to read
    }
    const findings = leaves.length > 0 ? classifier.classify(leaves, now) : [];
    return { parsed: { format: 'text', leaves }, findings, uninspectable: err };
  }
}

/** Edits that mask every given finding. */
export function editsForFindings(findings: readonly Finding[]): RedactEdit[] {
  return findings.map((f) => ({ leafIndex: f.leafIndex, start: f.start, end: f.end }));
}

/** The transform's mode for a decided redaction; a hash mode without a key cannot reach here
 *  (the loader refuses such a policy), so that case masks rather than leaks. */
export function toRedactMode(name: RedactModeName | null, settings: RedactionSettings): RedactMode {
  switch (name ?? settings.defaultMode) {
    case 'partial':
      return { kind: 'partial', head: settings.partial.head, tail: settings.partial.tail };
    case 'hash':
      return settings.hashKey === null ? { kind: 'mask' } : { kind: 'hash', key: settings.hashKey, length: settings.hashLength };
    case 'drop':
      return { kind: 'drop' };
    default:
      return { kind: 'mask' };
  }
}

export function redactAll(decoded: Buffer, inspection: BodyInspection): Buffer {
  if (inspection.findings.length === 0) return decoded;
  return redactBody(decoded, inspection.parsed.leaves, editsForFindings(inspection.findings));
}
