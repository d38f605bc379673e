import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { loadDefaultPolicy, loadPolicyFile } from '../config/load.js';
import { EgError } from '../errors.js';
import { Evaluator, type EvalResult } from './evaluate.js';
import { requestSchema, toRequest } from './policy-test.js';

/**
 * `egress-guard explain`: one request, described as a file (the `request:` of a test case, YAML
 * or JSON) or with curl-like flags, run through the real pipeline in process; prints the
 * decision and every reason behind it.
 */
export interface ExplainOptions {
  readonly policy?: string;
  readonly request?: string;
  readonly method?: string;
  readonly header?: string[];
  readonly data?: string;
  readonly client?: string;
  readonly app?: string;
  readonly scenario?: string;
  readonly now?: string;
  readonly json?: boolean;
  /** Print the forwarded body (it may hold the data the policy allowed). */
  readonly showBody?: boolean;
}

export async function runExplain(url: string | undefined, opts: ExplainOptions, out: NodeJS.WritableStream): Promise<number> {
  const policy = opts.policy ? loadPolicyFile(opts.policy) : loadDefaultPolicy();
  let raw: unknown;
  if (opts.request !== undefined) {
    const text = readFileSync(opts.request === '-' ? 0 : opts.request, 'utf8');
    raw = parseYaml(text);
  } else {
    if (url === undefined) throw new EgError('EG_CONFIG_INVALID', 'give a URL (with -X, -H, -d as for curl) or --request FILE');
    const headers: Record<string, string> = {};
    for (const h of opts.header ?? []) {
      const colon = h.indexOf(':');
      if (colon <= 0) throw new EgError('EG_CONFIG_INVALID', `-H ${JSON.stringify(h)}: write headers as "Name: value"`);
      headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
    }
    let body: string | undefined;
    if (opts.data !== undefined) body = opts.data.startsWith('@') ? readFileSync(opts.data.slice(1) === '-' ? 0 : opts.data.slice(1), 'utf8') : opts.data;
    if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    raw = { method: opts.method ?? (body === undefined ? 'GET' : 'POST'), url, headers, ...(body !== undefined ? { body } : {}) };
  }
  const parsed = requestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new EgError('EG_CONFIG_INVALID', `request: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const now = opts.now ? new Date(/^\d{4}-\d{2}-\d{2}$/.test(opts.now) ? `${opts.now}T12:00:00+08:00` : opts.now) : new Date();
  if (Number.isNaN(now.getTime())) throw new EgError('EG_CONFIG_INVALID', `--now ${JSON.stringify(opts.now)} is not a date`);
  const evaluator = await Evaluator.start(policy, now);
  let result: EvalResult;
  try {
    const client = { ...(opts.client ? { address: opts.client } : {}), ...(opts.app ? { app: opts.app } : {}) };
    result = await evaluator.evaluate(toRequest({ request: parsed.data, client, ...(opts.scenario ? { scenario: opts.scenario } : {}) }, policy));
  } finally {
    await evaluator.close();
  }
  out.write(opts.json ? `${JSON.stringify(explanation(result, opts.showBody ?? false), null, 2)}\n` : describe(result, opts.showBody ?? false));
  return 0;
}

function explanation(r: EvalResult, showBody: boolean) {
  const e = r.event;
  return {
    action: e.action,
    wouldBe: e.wouldBe,
    mode: e.mode,
    status: r.status,
    error: r.error,
    policyRevision: e.policyRevision,
    destination: e.destination,
    client: e.client.application ?? null,
    scenario: e.scenario ?? null,
    basis: e.basis ?? null,
    basisMissing: e.basisMissing ?? false,
    findings: e.findings,
    reasons: e.reasons ?? [],
    redacted: e.redacted,
    forwarded: r.forwarded ? { method: r.forwarded.method, path: r.forwarded.path, bytes: r.forwarded.body.length, ...(showBody ? { body: r.forwarded.body.toString('utf8') } : {}) } : null,
  };
}

function basisLine(e: EvalResult['event']): string {
  if (e.basis) return `${e.basis.id} (${e.basis.type}${e.basis.reference ? `, ${e.basis.reference}` : ''})${(e.bases ?? []).length > 1 ? ` and ${(e.bases ?? []).slice(1).map((b) => b.id).join(', ')}` : ''}`;
  if (e.basisMissing) return 'MISSING: personal data went abroad without one';
  if (e.findings.some((f) => f.reason === 'no-basis')) return 'none covers the data found (see reasons)';
  return '(none needed)';
}

function describe(r: EvalResult, showBody: boolean): string {
  const e = r.event;
  const d = e.destination;
  const lines = [
    `decision   ${e.action.toUpperCase()}${e.wouldBe !== e.action ? ` (enforce would: ${e.wouldBe})` : ''}, mode ${e.mode}, status ${r.status}${r.error ? ` ${r.error}` : ''}`,
    `policy     revision ${e.policyRevision}`,
    `destination ${d.host}:${d.port} → ${d.zone ?? '(none)'} (${d.jurisdiction ?? '?'}, ${d.abroad ? 'abroad' : 'domestic'})${d.recipient ? `, recipient ${d.recipient}` : ''}`,
    `client     ${e.client.application ?? '(unidentified)'}; scenario ${e.scenario ?? '(none)'}`,
    `basis      ${basisLine(e)}`,
  ];
  if (e.findings.length === 0) lines.push('findings   none');
  else {
    lines.push('findings');
    for (const f of e.findings) {
      lines.push(`  ${f.location || '(body)'}  ${f.category} (${f.grade})  → ${f.action}${f.monitor ? ` [monitored rule would: ${f.wouldBe ?? '?'}]` : ''}  [${f.reason ?? ''}]  by ${f.rule}`);
    }
  }
  if ((e.reasons ?? []).length > 0) {
    lines.push('reasons');
    for (const reason of e.reasons ?? []) lines.push(`  ${reason.rule}: ${reason.text}${reason.clause ? `\n      ${reason.clause}` : ''}`);
  }
  if (r.forwarded) {
    lines.push(`forwarded  ${r.forwarded.method} ${r.forwarded.path} (${r.forwarded.body.length} bytes)`);
    if (e.redacted.length > 0) lines.push(`  redacted ${e.redacted.join(', ')}`);
    if (showBody) lines.push(`  body ${r.forwarded.body.toString('utf8')}`);
  } else {
    lines.push('forwarded  nothing');
  }
  return `${lines.join('\n')}\n`;
}
