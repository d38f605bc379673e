import { Command, Option } from 'commander';
import { SUMMARY_DIMENSIONS } from '../audit/dimensions.js';
import type { AuditIo, ReportFlags, SubjectFlags, SummaryFlags, VerifyFlags } from './audit-run.js';
import { processIo } from './io.js';

/**
 * `egress-guard audit …`: verify, summary, subject, report, schema, keygen, wired to commander.
 * The commands' code (audit-run.ts: the trail reader, the verifier, the report renderer) loads
 * when one runs: registering them is part of every command's start, `scan`'s included (main.ts).
 */

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The run* functions, loaded on first use. */
const commands = () => import('./audit-run.js');

export function registerAuditCommands(program: Command, io: AuditIo = processIo(), setExitCode: (code: number) => void = (code) => (process.exitCode = code)): Command {
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
  ).action(async (files: string[], opts: VerifyFlags) => setExitCode(await (await commands()).runAuditVerify(files, opts, io)));

  timeOptions(
    audit
      .command('summary')
      .description('flows, bytes, findings and distinct individuals, grouped')
      .argument('<files...>', 'trail files or directories')
      .option('--by <dimensions>', `comma-separated: ${SUMMARY_DIMENSIONS.join(', ')}`, 'jurisdiction,recipient')
      .option('--json', 'print rows as JSON'),
  ).action(async (files: string[], opts: SummaryFlags) => setExitCode(await (await commands()).runAuditSummary(files, opts, io)));

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
  ).action(async (identifier: string, files: string[], opts: SubjectFlags) => setExitCode(await (await commands()).runAuditSubject(identifier, files, opts, io)));

  timeOptions(
    audit
      .command('report')
      .description('render one self-contained HTML report (charts and the data-links table)')
      .argument('<files...>', 'trail files or directories')
      .requiredOption('--out <file>', 'where to write the HTML')
      .option('--title <text>', 'report title')
      .option('--policy <file>', 'policy whose legal bases (and their expiry) the report lists'),
  ).action(async (files: string[], opts: ReportFlags) => setExitCode(await (await commands()).runAuditReport(files, opts, io)));

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
    .action(async () => {
      const [{ randomBytes }, { keyId }] = await Promise.all([import('node:crypto'), import('../audit/chain.js')]);
      const key = randomBytes(32);
      io.stdout.write(`${key.toString('hex')}\n`);
      io.stderr.write(`key id ${keyId(key)}\n`);
    });

  return audit;
}
