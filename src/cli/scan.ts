import { readFileSync } from 'node:fs';
import { loadDefaultPolicyFromSnapshot } from '../config/default-policy.js';
import { createClassifier, type Classifier } from '../classify/matcher.js';
import type { Finding } from '../classify/finding.js';
import { withoutCharset } from '../body/media-type.js';
import { EgError } from '../errors.js';
import { redactAll, scanBody, type ScanResult } from '../pipeline/inspect.js';
import { LineBatchWriter, lineBatches } from './line-batches.js';

export interface ScanOptions {
  readonly policy?: string;
  readonly contentType?: string;
  readonly redact?: boolean;
  readonly json?: boolean;
  readonly ndjson?: boolean;
}

function findingJson(f: Finding) {
  return { category: f.category, grade: f.grade, rule: f.rule, location: f.location, start: f.start, end: f.end, confidence: f.confidence };
}

/** The default policy comes from the build's snapshot when it can (src/config/default-policy.ts):
 *  the YAML parser and zod, which a policy file needs, are then never loaded. */
async function classifierFor(options: ScanOptions): Promise<Classifier> {
  const policy = (!options.policy && loadDefaultPolicyFromSnapshot()) || (await loadInFull(options.policy));
  return createClassifier(policy.categoryGrades, policy.customRules);
}

async function loadInFull(path: string | undefined) {
  const { loadDefaultPolicy, loadPolicyFile } = await import('../config/load.js');
  return path ? loadPolicyFile(path) : loadDefaultPolicy();
}

/**
 * `scan --ndjson`: the scorer's batch protocol (shared/tools/README.md). One JSON line in, one
 * out; a line that is not valid JSON gets an error line with its line number, never silence.
 */
export async function runScanNdjson(options: ScanOptions, input: NodeJS.ReadableStream, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const classifier = await classifierFor(options);
  const output = new LineBatchWriter(out);
  let lineNo = 0;
  let failures = 0;
  for await (const lines of lineBatches(input as AsyncIterable<Buffer | string>)) {
    for (const line of lines) {
      lineNo += 1;
      if (line.trim() === '') continue;
      let doc: { id?: unknown; contentType?: unknown; body?: unknown };
      try {
        doc = JSON.parse(line) as typeof doc;
      } catch {
        failures += 1;
        err.write(`scan: line ${lineNo}: not a JSON object\n`);
        continue;
      }
      if (typeof doc.body !== 'string') {
        failures += 1;
        err.write(`scan: line ${lineNo}: "body" must be a string\n`);
        continue;
      }
      // The body is a string, already decoded: its bytes are the UTF-8 written below, whatever
      // charset the document says it was sent in.
      const contentType = typeof doc.contentType === 'string' ? withoutCharset(doc.contentType) : options.contentType;
      const body = Buffer.from(doc.body, 'utf8');
      const result = scanBody(classifier, body, contentType, new Date());
      output.push(
        `${JSON.stringify({
          id: doc.id,
          findings: result.findings.map(findingJson),
          redacted: redactAll(body, result).toString('utf8'),
          ...(result.uninspectable ? { uninspectable: result.uninspectable.code } : {}),
        })}\n`,
      );
    }
    await output.flush();
  }
  return failures > 0 ? 1 : 0;
}

function table(result: ScanResult): string {
  if (result.findings.length === 0) return 'no findings\n';
  const rows = result.findings.map((f) => [f.category, f.grade, f.location || '(body)', `${f.start}-${f.end}`, f.rule, f.confidence.toFixed(2)]);
  const head = ['category', 'grade', 'location', 'span', 'rule', 'confidence'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[fmt(head), ...rows.map(fmt)].join('\n')}\n`;
}

/** `scan [FILE|-]`: findings of one body as a table (or JSON), or the redacted body. */
export async function runScanFile(file: string, options: ScanOptions, out: NodeJS.WritableStream & { isTTY?: boolean }): Promise<number> {
  let body: Buffer;
  try {
    body = readFileSync(file === '-' ? 0 : file);
  } catch (cause) {
    throw new EgError('EG_CONFIG_INVALID', `cannot read ${file}: ${(cause as Error).message}`);
  }
  const result = scanBody(await classifierFor(options), body, options.contentType ?? guessContentType(file, body), new Date());
  if (options.redact) {
    out.write(redactAll(body, result));
    return 0;
  }
  if (options.json || !out.isTTY) {
    out.write(`${JSON.stringify({ findings: result.findings.map(findingJson), uninspectable: result.uninspectable?.code ?? null })}\n`);
  } else {
    if (result.uninspectable) out.write(`note: read as text; the gateway would treat it as uninspectable (${result.uninspectable.code}: ${result.uninspectable.detail ?? ''})\n`);
    out.write(table(result));
  }
  return 0;
}

function guessContentType(file: string, body: Buffer): string | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.json')) return 'application/json';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'application/x-ndjson';
  if (lower.endsWith('.csv')) return 'text/csv';
  const first = body.subarray(0, 64).toString('utf8').trimStart();
  if (first.startsWith('{') || first.startsWith('[')) return 'application/json';
  return undefined;
}
