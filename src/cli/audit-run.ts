import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadAuditKey } from '../audit/key.js';
import { expandTrailArgs, parseTimeArg, Progress, totalSize } from '../audit/read.js';
import { aggregateTrail } from '../audit/report/aggregate.js';
import { renderReport, type ReportBasis } from '../audit/report/html.js';
import { findSubject, formatSubject, subjectHashes } from '../audit/subject.js';
import { formatSummary, parseDimensions, summariseTrail } from '../audit/summary.js';
import { verifyTrail, type VerifyReport } from '../audit/verify.js';
import { shanghaiDate } from '../config/compile-legal.js';
import { EgError, isEgError } from '../errors.js';
import { processIo, type CliIo } from './io.js';

/**
 * The commands of `egress-guard audit …` (registered in audit.ts, which loads this module when one
 * of them runs): verify, summary, subject, report. Each is a run* function taking its streams and
 * returning its exit code, so tests drive them without a process. Exit codes: 0 fine, 1 the trail
 * is broken (verify), 2 usage (bad flag, unreadable file, no key).
 */

export type AuditIo = CliIo;

const defaultIo = processIo;

async function usageErrors(io: AuditIo, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (!isEgError(err)) throw err;
    io.stderr.write(`egress-guard: ${err.code}: ${err.message}\n`);
    return 2;
  }
}

function keysFrom(opts: { key?: string[]; keyFile?: string[] }, io: AuditIo): Buffer[] {
  const loaded = [
    ...(opts.key ?? []).map((value) => loadAuditKey({ value })),
    ...(opts.keyFile ?? []).map((file) => loadAuditKey({ file })),
  ];
  if (loaded.length === 0) loaded.push(loadAuditKey());
  for (const warning of loaded.flatMap((k) => k.warnings)) io.stderr.write(`warning: ${warning}\n`);
  return loaded.map((k) => k.key);
}

function progressFor(files: readonly string[], label: string, io: AuditIo): Progress {
  return new Progress(totalSize(files), label, io.stderr);
}

export interface VerifyFlags {
  readonly key?: string[];
  readonly keyFile?: string[];
  readonly checkpoint?: string[];
  readonly partial?: boolean;
  readonly json?: boolean;
}

export function runAuditVerify(args: readonly string[], opts: VerifyFlags, io: AuditIo = defaultIo()): Promise<number> {
  return usageErrors(io, async () => {
    const files = expandTrailArgs(args);
    const keys = keysFrom(opts, io);
    const checkpoints = (opts.checkpoint ?? []).map((c) => {
      const match = /^(\d+):([0-9a-f]{64})$/.exec(c.trim());
      if (!match) throw new EgError('EG_CONFIG_INVALID', `--checkpoint "${c}": expected <seq>:<64 hex hash> from an "audit checkpoint" log line`);
      return { seq: Number(match[1]), hash: match[2]! };
    });
    const report = await verifyTrail(files, { keys, checkpoints, partial: Boolean(opts.partial), progress: progressFor(files, 'verifying', io) });
    if (opts.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout.write(describeVerify(report));
    if (report.unusable) {
      io.stderr.write(`egress-guard: cannot verify: ${report.unusable}\n`);
      return 2;
    }
    return report.valid ? 0 : 1;
  });
}

export function describeVerify(r: VerifyReport): string {
  const out: string[] = [];
  const span = r.lastSeq === null ? 'no events' : `${r.events.toLocaleString('en-US')} events (seq ${r.firstSeq}..${r.lastSeq})`;
  if (r.unusable) out.push('not verified');
  else if (r.valid) out.push(`valid: chain ${r.chain ?? '-'}, ${r.files.length} files, ${r.segments} segments, ${span}${r.closed ? ', closed' : ''}`, `last hash ${r.lastHash ?? '-'}`);
  else {
    const b = r.break!;
    out.push(`BROKEN (${b.kind}) at ${b.file}${b.line > 0 ? `:${b.line}` : ''}: ${b.message}`, `${r.records.toLocaleString('en-US')} records verified before the break`);
  }
  for (const w of r.warnings) out.push(`warning: ${w}`);
  return `${out.join('\n')}\n`;
}

export interface SummaryFlags {
  readonly since?: string;
  readonly until?: string;
  readonly by?: string;
  readonly json?: boolean;
}

export function runAuditSummary(args: readonly string[], opts: SummaryFlags, io: AuditIo = defaultIo()): Promise<number> {
  return usageErrors(io, async () => {
    const by = parseDimensions(opts.by);
    const filter = { since: parseTimeArg(opts.since, '--since'), until: parseTimeArg(opts.until, '--until') };
    const files = expandTrailArgs(args);
    const summary = await summariseTrail(files, by, filter, progressFor(files, 'reading', io));
    io.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
    return 0;
  });
}

export interface SubjectFlags extends SummaryFlags {
  readonly also?: string[];
  readonly category?: string;
  readonly key?: string[];
  readonly keyFile?: string[];
}

/** Identifiers typed on a command line stay in shell history: "-" reads them from stdin. */
async function readIdentifiers(first: string, also: readonly string[], stdin: NodeJS.ReadableStream): Promise<string[]> {
  const given = [first, ...also];
  if (!given.includes('-')) return given;
  let text = '';
  for await (const chunk of stdin) text += chunk.toString();
  return [...given.filter((g) => g !== '-'), ...text.split('\n').map((l) => l.trim()).filter(Boolean)];
}

export function runAuditSubject(identifier: string, args: readonly string[], opts: SubjectFlags, io: AuditIo = defaultIo(), stdin: NodeJS.ReadableStream = process.stdin): Promise<number> {
  return usageErrors(io, async () => {
    const files = expandTrailArgs(args);
    const [key] = keysFrom({ key: opts.key?.slice(0, 1), keyFile: opts.keyFile?.slice(0, 1) }, io);
    const identifiers = await readIdentifiers(identifier, opts.also ?? [], stdin);
    const hashes = subjectHashes(key!, identifiers, opts.category);
    const filter = { since: parseTimeArg(opts.since, '--since'), until: parseTimeArg(opts.until, '--until') };
    const result = await findSubject(files, hashes, filter, progressFor(files, 'searching', io));
    io.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatSubject(result));
    return 0;
  });
}

export interface ReportFlags {
  readonly out: string;
  readonly since?: string;
  readonly until?: string;
  readonly title?: string;
  readonly policy?: string;
}

export function runAuditReport(args: readonly string[], opts: ReportFlags, io: AuditIo = defaultIo()): Promise<number> {
  return usageErrors(io, async () => {
    const filter = { since: parseTimeArg(opts.since, '--since'), until: parseTimeArg(opts.until, '--until') };
    const files = expandTrailArgs(args);
    const data = await aggregateTrail(files, filter, progressFor(files, 'reading', io));
    const html = renderReport(data, { ...(opts.title ? { title: opts.title } : {}), ...(opts.policy ? { bases: await reportBases(opts.policy) } : {}) });
    // Written beside and renamed, so a reader never opens half a report.
    mkdirSync(dirname(opts.out), { recursive: true });
    const partial = `${opts.out}.partial`;
    writeFileSync(partial, html);
    renameSync(partial, opts.out);
    io.stderr.write(`wrote ${opts.out}: ${data.totals.flows.toLocaleString('en-US')} flows, ${data.links.length} data links\n`);
    return 0;
  });
}

async function reportBases(path: string): Promise<ReportBasis[]> {
  // zod and yaml load when a command needs them, not when it is registered: every command's
  // start (scan's above all) would pay for them (src/cli/main.ts).
  const { loadPolicyFile } = await import('../config/load.js');
  const policy = loadPolicyFile(path);
  const states = new Map(policy.basisExpiries(shanghaiDate(new Date())).map((e) => [e.id, e]));
  return policy.bases.map((b) => {
    const e = states.get(b.id)!;
    return { id: b.id, type: b.exemption ?? b.type, reference: b.reference, recipients: [...b.recipients], validTo: b.validTo, daysLeft: e.daysLeft, state: e.state };
  });
}

