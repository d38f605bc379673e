import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command, Option } from 'commander';
import { keyId } from '../audit/chain.js';
import { loadAuditKey } from '../audit/key.js';
import { expandTrailArgs, parseTimeArg, Progress, totalSize } from '../audit/read.js';
import { aggregateTrail } from '../audit/report/aggregate.js';
import { renderReport, type ReportBasis } from '../audit/report/html.js';
import { findSubject, formatSubject, subjectHashes } from '../audit/subject.js';
import { formatSummary, parseDimensions, summariseTrail, SUMMARY_DIMENSIONS } from '../audit/summary.js';
import { verifyTrail, type VerifyReport } from '../audit/verify.js';
import { EgError, isEgError } from '../errors.js';
import { shanghaiDate } from '../config/compile-legal.js';
import { processIo, type CliIo } from './io.js';

/**
 * `egress-guard audit …`: verify, summary, subject, report, schema, keygen. Each command is a
 * run* function taking its streams and returning its exit code, so tests drive them without a
 * process; registerAuditCommands wires them to commander. Exit codes: 0 fine, 1 the trail is
 * broken (verify), 2 usage (bad flag, unreadable file, no key).
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

const collect = (value: string, previous: string[] = []) => [...previous, value];

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

export function registerAuditCommands(program: Command, io: AuditIo = defaultIo(), setExitCode: (code: number) => void = (code) => (process.exitCode = code)): Command {
  const audit = program
    .command('audit')
    .description('check and read the audit trail: verify the hash chain, summarise flows, find a data subject, render a report')
    // Usage errors exit 2 (commander's default is 1, which verify uses for a broken trail).
    .exitOverride((err) => {
      if (err.exitCode !== 0) process.exit(2);
    });
  const keyOptions = (cmd: Command, repeatable: boolean) =>
    cmd
      .addOption(new Option('--key-file <path>', `file holding the audit key (hex or base64)${repeatable ? '; repeat for a trail written under several keys' : ''}`).argParser(collect))
      .addOption(new Option('--key <hex|base64>', 'the audit key itself (visible to other local users in the process list: prefer --key-file or EG_AUDIT_KEY)').argParser(collect));
  const timeOptions = (cmd: Command) =>
    cmd
      .option('--since <time>', 'only events at or after this ISO 8601 time (UTC unless an offset is given)')
      .option('--until <time>', 'only events before this ISO 8601 time');

  keyOptions(
    audit
      .command('verify')
      .description('check the hash chain and report the first broken link (exit 0 valid, 1 broken, 2 usage)')
      .argument('<files...>', 'trail files or directories')
      .addOption(new Option('--checkpoint <seq:hash>', 'a checkpoint from the operational log; repeatable').argParser(collect))
      .option('--partial', 'accept a trail that starts after the genesis segment or stops before the last one')
      .option('--json', 'print the result as JSON'),
    true,
  ).action(async (files: string[], opts: VerifyFlags) => setExitCode(await runAuditVerify(files, opts, io)));

  timeOptions(
    audit
      .command('summary')
      .description('flows, bytes, findings and distinct individuals, grouped')
      .argument('<files...>', 'trail files or directories')
      .option('--by <dimensions>', `comma-separated: ${SUMMARY_DIMENSIONS.join(', ')}`, 'jurisdiction,recipient')
      .option('--json', 'print rows as JSON'),
  ).action(async (files: string[], opts: SummaryFlags) => setExitCode(await runAuditSummary(files, opts, io)));

  keyOptions(
    timeOptions(
      audit
        .command('subject')
        .description("list every flow that carried a person's identifier (ID number, phone, e-mail, ...)")
        .argument('<identifier>', 'the identifier, or - to read identifiers from stdin (keeps them out of shell history)')
        .argument('<files...>', 'trail files or directories')
        .addOption(new Option('--also <identifier>', "another identifier of the same person; repeatable").argParser(collect))
        .option('--category <id>', 'the category the identifier was hashed under (default: guessed from its shape)')
        .option('--json', 'print the flows as JSON'),
    ),
    false,
  ).action(async (identifier: string, files: string[], opts: SubjectFlags) => setExitCode(await runAuditSubject(identifier, files, opts, io)));

  timeOptions(
    audit
      .command('report')
      .description('render one self-contained HTML report (charts and the data-links table)')
      .argument('<files...>', 'trail files or directories')
      .requiredOption('--out <file>', 'where to write the HTML')
      .option('--title <text>', 'report title')
      .option('--policy <file>', 'policy whose legal bases (and their expiry) the report lists'),
  ).action(async (files: string[], opts: ReportFlags) => setExitCode(await runAuditReport(files, opts, io)));

  audit
    .command('schema')
    .description('print the JSON Schema of a trail line (docs/audit.schema.json)')
    .action(async () => {
      const { auditJsonSchema } = await import('../audit/schema.js');
      io.stdout.write(`${JSON.stringify(auditJsonSchema(), null, 2)}\n`);
    });

  audit
    .command('keygen')
    .description('print a new random audit key (hex) on stdout and its key id on stderr')
    .action(() => {
      const key = randomBytes(32);
      io.stdout.write(`${key.toString('hex')}\n`);
      io.stderr.write(`key id ${keyId(key)}\n`);
    });

  return audit;
}
