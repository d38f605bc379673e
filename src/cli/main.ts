#!/usr/bin/env node
import { Command, Option } from 'commander';
import { isEgError } from '../errors.js';
import { runCheck } from './check.js';
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
  .addOption(new Option('--audit <file|->', 'audit trail: a file (appended) or - for stdout').env('EG_AUDIT').default('-'))
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

program.parseAsync(process.argv).catch((err: unknown) => {
  if (isEgError(err)) {
    process.stderr.write(`egress-guard: ${err.code}: ${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`egress-guard: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
