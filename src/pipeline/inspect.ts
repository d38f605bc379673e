import type { Leaf } from '../body/leaf.js';
import { parseBody, type ParsedBody } from '../body/parse.js';
import { parseText } from '../body/text.js';
import type { Classifier } from '../classify/matcher.js';
import type { Finding } from '../classify/finding.js';
import { isEgError, type EgError } from '../errors.js';
import type { RedactionSettings, RedactModeName } from '../config/model.js';
import { redactBody, type RedactEdit, type RedactMode } from '../transform/redact.js';

export interface BodyInspection {
  readonly parsed: ParsedBody;
  readonly findings: Finding[];
}

/** Parse and classify a decoded body: the one engine behind the gateway and `scan`. Parse
 *  errors propagate (the caller applies its uninspectable rule). */
export function inspectBody(classifier: Classifier, decoded: Buffer, contentType: string | undefined, now: Date): BodyInspection {
  const parsed = parseBody(decoded, contentType);
  const findings = parsed.leaves.length > 0 ? classifier.classify(parsed.leaves, now) : [];
  return { parsed, findings };
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
