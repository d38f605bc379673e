#!/usr/bin/env node
import { Command, Option } from 'commander';
import { packageManifest } from '../config/package-root.js';
import { EgError, isEgError } from '../errors.js';
import { registerAuditCommands } from './audit.js';
import { raiseInterruptBudgetForBatch } from './batch-tiering.js';
import { registerCaCommands } from './ca.js';
import type { ExplainOptions } from './explain.js';
import type { ScanOptions } from './scan.js';
import { registerVolumeCommands } from './volume.js';
import { registerInventoryCommand } from './inventory.js';
import { registerReplayCommand } from './replay.js';

// Each command loads what it runs when it runs: `scan` (the scorer starts it once per corpus)
// must not pay for the gateway's HTTP client, metrics, logger and volume stores, which took
// most of its ~0.6 s start. The register* modules below keep their heavy imports lazy too.

const program = new Command('egress-guard')
  .description('HTTP egress gateway enforcing cross-border data policy (PIPL, DSL, 2024 Provisions)')
  .version(packageManifest()?.version ?? 'unknown (no egress-guard package.json above the program)', '-V, --version', 'print the version')
  .showHelpAfterError();

program
  .command('serve')
  .description('run the gateway (forward proxy, CONNECT, gateway mode) and its admin listener')
  .addOption(new Option('-p, --policy <file>', 'policy file (default: the embedded policies/default.yaml)').env('EG_POLICY'))
  .addOption(new Option('-l, --listen <host:port>', 'proxy listener').env('EG_LISTEN').default('127.0.0.1:3128'))
  .addOption(new Option('--admin <host:port>', 'admin listener (/healthz, /readyz, /policy, /metrics, /workers)').env('EG_ADMIN_LISTEN').default('127.0.0.1:9901'))
  .addOption(new Option('--audit <file|->', 'plain audit lines: a file (appended) or - for stdout (ignored with --audit-dir)').env('EG_AUDIT').default('-'))
  .addOption(new Option('--audit-dir <dir>', 'tamper-evident audit trail: hash-chained, rotated files in this directory (needs a key)').env('EG_AUDIT_DIR'))
  .addOption(new Option('--audit-key-file <file>', 'operator key for the hash chain and individual hashes (else EG_AUDIT_KEY / EG_AUDIT_KEY_FILE; `egress-guard audit keygen` makes one)'))
  .addOption(new Option('--audit-rotate-bytes <n>', 'start a new audit file past this size').env('EG_AUDIT_ROTATE_BYTES').default('104857600'))
  .addOption(new Option('--audit-rotate-age <ms>', 'start a new audit file after this long').env('EG_AUDIT_ROTATE_AGE_MS').default('86400000'))
  .addOption(new Option('--log-level <level>', 'operational log level (logs go to stderr)').env('EG_LOG_LEVEL').default('info').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']))
  .addOption(new Option('--log-format <format>', 'operational log format: auto (pretty on a terminal, else JSON), json or pretty').env('EG_LOG_FORMAT').default('auto').choices(['auto', 'json', 'pretty']))
  .addOption(new Option('--workers <n|auto>', 'worker processes sharing the proxy port (node:cluster); 1 = a single process, no cluster (default: auto, the available parallelism)').env('EG_WORKERS'))
  .option('--no-watch', 'do not watch the policy file for changes (SIGHUP still reloads; also EG_POLICY_WATCH=off)')
  .addOption(new Option('--dns-servers <list>', 'resolve destinations with these DNS servers (ip or ip:port, comma-separated) instead of the system resolver').env('EG_DNS_SERVERS'))
  .addOption(new Option('--drain-timeout <ms>', 'on SIGTERM/SIGINT, how long in-flight requests may finish').env('EG_DRAIN_TIMEOUT_MS').default('10000'))
  .action(async (opts) => {
    const { runServe } = await import('./serve.js');
    await runServe(opts);
  });

program
  .command('check')
  .description('validate policy files: every error and warning as file:line:col (exit 0 clean, 1 warnings, 2 errors)')
  .argument('<policy...>', 'policy files')
  .option('-q, --quiet', 'one line per file instead of the summary')
  .option('--now <date>', 'check bases as on this day (YYYY-MM-DD), e.g. to keep a CI check reproducible')
  .action(async (policies: string[], opts: { quiet?: boolean; now?: string }) => {
    const { runChecks } = await import('./check.js');
    process.exitCode = runChecks(policies, process.stdout, process.stderr, opts.quiet ?? false, opts.now ? parseDay(opts.now) : undefined);
  });

program
  .command('scan')
  .description('find personal and important data in a body with the gateway\'s engine')
  .argument('[file]', 'body to scan, or - for stdin', '-')
  .option('-t, --content-type <type>', 'media type of the body (default: from the file name or content)')
  .option('-p, --policy <file>', 'policy whose categories and rules apply (default: embedded)')
  .option('--redact', 'print the body with every finding masked')
  .option('--json', 'print findings as JSON (the default when stdout is not a terminal)')
  .option('--ndjson', 'batch protocol: {id, contentType, body} lines in, {id, findings, redacted} lines out')
  .action(async (file: string, opts: ScanOptions) => {
    if (opts.ndjson) raiseInterruptBudgetForBatch();
    const { runScanFile, runScanNdjson } = await import('./scan.js');
    process.exitCode = opts.ndjson ? await runScanNdjson(opts, process.stdin, process.stdout, process.stderr) : await runScanFile(file, opts, process.stdout);
  });

program
  .command('schema')
  .description('print the policy format as JSON Schema (the content of policies/schema.json)')
  .action(async () => {
    const { policyJsonSchema } = await import('../config/json-schema.js');
    process.stdout.write(`${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
  });

program
  .command('test')
  .description('run policy test cases (YAML) through the real pipeline, nothing dialled; exit 1 on a failure, 2 on an error')
  .argument('<cases...>', 'test case files')
  .option('-v, --verbose', 'print passing cases too')
  .action(async (files: string[], opts: { verbose?: boolean }) => {
    const { runPolicyTests } = await import('./policy-test.js');
    process.exitCode = await runPolicyTests(files, process.stdout, opts.verbose ?? false);
  });

program
  .command('explain')
  .description('show the decision for one request and every reason behind it (nothing is dialled)')
  .argument('[url]', 'request URL, with curl-like -X, -H, -d')
  .option('-p, --policy <file>', 'policy file (default: embedded)')
  .option('-r, --request <file>', 'the request as YAML/JSON {method, url, headers, body | json}; - for stdin')
  .option('-X, --method <method>', 'HTTP method (default GET, POST with -d)')
  .option('-H, --header <header...>', 'request header "Name: value" (repeatable)')
  .option('-d, --data <data>', 'request body, or @file')
  .option('--client <address>', 'client address the request comes from')
  .option('--app <id>', 'client application id (sent in the policy\'s client_header)')
  .option('--scenario <id>', 'scenario (sent in the policy\'s scenario_header)')
  .option('--now <date>', 'decide as on this date (YYYY-MM-DD or ISO time)')
  .option('--json', 'print the explanation as JSON')
  .option('--show-body', 'also print the body as it would be forwarded')
  .action(async (url: string | undefined, opts: ExplainOptions) => {
    const { runExplain } = await import('./explain.js');
    process.exitCode = await runExplain(url, opts, process.stdout);
  });

registerAuditCommands(program);
registerCaCommands(program);
registerVolumeCommands(program);
registerInventoryCommand(program);
registerReplayCommand(program);

function parseDay(text: string): Date {
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T12:00:00+08:00` : text);
  if (Number.isNaN(d.getTime())) throw new EgError('EG_CONFIG_INVALID', `--now ${JSON.stringify(text)}: expected YYYY-MM-DD or an ISO 8601 time`);
  return d;
}

program.parseAsync(process.argv).catch((err: unknown) => {
  if (isEgError(err)) {
    process.stderr.write(`egress-guard: ${err.code}: ${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`egress-guard: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
