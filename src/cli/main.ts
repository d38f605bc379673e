#!/usr/bin/env node
import { Command, Option } from 'commander';
import { isEgError } from '../errors.js';
import { registerAuditCommands } from './audit.js';
import { runCheck } from './check.js';
import { runScanFile, runScanNdjson, type ScanOptions } from './scan.js';
import { runServe } from './serve.js';

const program = new Command('egress-guard')
  .description('HTTP egress gateway enforcing cross-border data policy (PIPL, DSL, 2024 Provisions)')
  .showHelpAfterError();

program
  .command('serve')
  .description('run the gateway (forward proxy, CONNECT, gateway mode) and its admin listener')
  .addOption(new Option('-p, --policy <file>', 'policy file (default: the embedded policies/default.yaml)').env('EG_POLICY'))
  .addOption(new Option('-l, --listen <host:port>', 'proxy listener').env('EG_LISTEN').default('127.0.0.1:3128'))
  .addOption(new Option('--admin <host:port>', 'admin listener (/healthz, /readyz, /policy)').env('EG_ADMIN_LISTEN').default('127.0.0.1:9901'))
  .addOption(new Option('--audit <file|->', 'plain audit lines: a file (appended) or - for stdout (ignored with --audit-dir)').env('EG_AUDIT').default('-'))
  .addOption(new Option('--audit-dir <dir>', 'tamper-evident audit trail: hash-chained, rotated files in this directory (needs a key)').env('EG_AUDIT_DIR'))
  .addOption(new Option('--audit-key-file <file>', 'operator key for the hash chain and individual hashes (else EG_AUDIT_KEY / EG_AUDIT_KEY_FILE; `egress-guard audit keygen` makes one)'))
  .addOption(new Option('--audit-rotate-bytes <n>', 'start a new audit file past this size').env('EG_AUDIT_ROTATE_BYTES').default('104857600'))
  .addOption(new Option('--audit-rotate-age <ms>', 'start a new audit file after this long').env('EG_AUDIT_ROTATE_AGE_MS').default('86400000'))
  .addOption(new Option('--log-level <level>', 'operational log level (logs go to stderr)').env('EG_LOG_LEVEL').default('info').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']))
  .addOption(new Option('--drain-timeout <ms>', 'on SIGTERM/SIGINT, how long in-flight requests may finish').env('EG_DRAIN_TIMEOUT_MS').default('10000'))
  .action(async (opts) => {
    await runServe(opts);
  });

program
  .command('check')
  .description('validate a policy file and print a summary (exit 2 when invalid)')
  .argument('<policy>', 'policy file')
  .action((policy: string) => {
    process.exitCode = runCheck(policy, process.stdout, process.stderr);
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
    process.exitCode = opts.ndjson ? await runScanNdjson(opts, process.stdin, process.stdout, process.stderr) : runScanFile(file, opts, process.stdout);
  });

registerAuditCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (isEgError(err)) {
    process.stderr.write(`egress-guard: ${err.code}: ${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`egress-guard: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
