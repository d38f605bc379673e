import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { loadPolicyFile, PolicyInvalidError } from '../config/load.js';
import type { CompiledPolicy } from '../config/model.js';
import { isEgError } from '../errors.js';
import { Evaluator, type EvalRequest, type EvalResult } from './evaluate.js';

/**
 * `egress-guard test <cases.yaml…>`: policy test cases, run through the real pipeline in
 * process (nothing is dialled), reported OPA-style. Exit 0 when every case passes, 1 when one
 * fails, 2 when a file cannot be read or a policy does not load.
 */

const headers = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
export const requestSchema = z
  .strictObject({
    method: z.string().regex(/^[A-Z]+$/, 'an upper-case HTTP method').default('GET'),
    url: z.string().min(1),
    headers: headers.optional(),
    body: z.string().optional(),
    json: z.unknown().optional(),
    resolve: z.string().optional(),
  })
  .refine((r) => r.body === undefined || r.json === undefined, 'give body or json, not both');

const want = z.strictObject({
  action: z.enum(['allow', 'redact', 'block']).optional(),
  would_be: z.enum(['allow', 'redact', 'block']).optional(),
  status: z.number().int().optional(),
  error: z.string().nullable().optional(),
  body: z.string().optional(),
  json: z.unknown().optional(),
  findings: z.array(z.string()).optional(),
  redacted: z.array(z.string()).optional(),
  reasons: z.array(z.string()).optional(),
  basis: z.string().nullable().optional(),
  forwarded_headers: z.record(z.string(), z.string().nullable()).optional(),
});

const testCase = z.strictObject({
  note: z.string().min(1),
  now: z.string().optional(),
  client: z.strictObject({ address: z.string().optional(), app: z.string().optional() }).optional(),
  scenario: z.string().optional(),
  request: requestSchema,
  want,
});

const caseFile = z.strictObject({
  policy: z.string().min(1),
  now: z.string().optional(),
  cases: z.array(testCase).min(1),
});

type TestCase = z.output<typeof testCase>;

export async function runPolicyTests(files: readonly string[], out: NodeJS.WritableStream, verbose: boolean): Promise<number> {
  let passed = 0;
  let failed = 0;
  let broken = false;
  for (const file of files) {
    let spec: z.output<typeof caseFile>;
    let policy: CompiledPolicy;
    try {
      const parsed = caseFile.safeParse(parseYaml(readFileSync(file, 'utf8')));
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
      spec = parsed.data;
      policy = loadPolicyFile(resolve(dirname(file), spec.policy));
    } catch (err) {
      broken = true;
      const text = err instanceof PolicyInvalidError ? err.lines().join('\n  ') : isEgError(err) ? `${err.code}: ${err.message}` : (err as Error).message;
      out.write(`${file}:\nERROR: ${text}\n`);
      continue;
    }
    out.write(`${file}:\n`);
    const evaluator = await Evaluator.start(policy, parseNow(spec.now));
    try {
      for (const c of spec.cases) {
        const started = performance.now();
        let problems: string[];
        try {
          evaluator.now = parseNow(c.now ?? spec.now);
          problems = check(c, await evaluator.evaluate(toRequest(c, policy)));
        } catch (err) {
          problems = [isEgError(err) ? `${err.code}: ${err.message}` : String(err)];
        }
        const ms = (performance.now() - started).toFixed(1);
        if (problems.length === 0) {
          passed++;
          if (verbose) out.write(`PASS: ${c.note} (${ms}ms)\n`);
        } else {
          failed++;
          out.write(`FAIL: ${c.note} (${ms}ms)\n${problems.map((p) => `  ${p}\n`).join('')}`);
        }
      }
    } finally {
      await evaluator.close();
    }
  }
  const total = passed + failed;
  out.write(`${'-'.repeat(80)}\n`);
  if (passed > 0) out.write(`PASS: ${passed}/${total}\n`);
  if (failed > 0) out.write(`FAIL: ${failed}/${total}\n`);
  return broken ? 2 : failed > 0 ? 1 : 0;
}

function parseNow(text: string | undefined): Date {
  if (text === undefined) return new Date();
  // A bare date is noon in Shanghai: safely inside that calendar day.
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T12:00:00+08:00` : text);
  if (Number.isNaN(d.getTime())) throw new Error(`now: ${JSON.stringify(text)} is not a date or ISO timestamp`);
  return d;
}

export function toRequest(c: Pick<TestCase, 'request' | 'client' | 'scenario'>, policy: CompiledPolicy): EvalRequest {
  const h: Record<string, string | readonly string[]> = {};
  for (const [k, v] of Object.entries(c.request.headers ?? {})) h[k.toLowerCase()] = v;
  let body: Buffer | null = null;
  if (c.request.json !== undefined) {
    body = Buffer.from(JSON.stringify(c.request.json));
    h['content-type'] ??= 'application/json';
  } else if (c.request.body !== undefined) body = Buffer.from(c.request.body, 'utf8');
  if (c.client?.app !== undefined) {
    if (policy.clientHeader === null) throw new Error('client.app needs client_header in the policy; give client.address instead');
    h[policy.clientHeader] = c.client.app;
  }
  if (c.scenario !== undefined) {
    if (policy.scenarioHeader === null) throw new Error('scenario needs scenario_header in the policy; declare it on the client or destination instead');
    h[policy.scenarioHeader] = c.scenario;
  }
  return {
    method: c.request.method,
    url: c.request.url,
    headers: h,
    body,
    ...(c.client?.address ? { clientAddress: c.client.address } : {}),
    ...(c.request.resolve ? { resolve: c.request.resolve } : {}),
  };
}

/** Every way the result differs from what the case wants; [] when it passes. */
function check(c: TestCase, r: EvalResult): string[] {
  const w = c.want;
  const e = r.event;
  const problems: string[] = [];
  const expect = (what: string, want: unknown, got: unknown) => {
    if (!isDeepStrictEqual(want, got)) problems.push(`${what}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  };
  if (w.action !== undefined) expect('action', w.action, e.action);
  if (w.would_be !== undefined) expect('would_be', w.would_be, e.wouldBe);
  if (w.status !== undefined) expect('status', w.status, r.status);
  if (w.error !== undefined) expect('error', w.error, r.error);
  if (w.findings !== undefined) expect('findings', [...new Set(w.findings)].sort(), [...new Set(e.findings.map((f) => f.category))].sort());
  if (w.redacted !== undefined) expect('redacted', [...w.redacted].sort(), [...e.redacted].sort());
  if (w.basis !== undefined) expect('basis', w.basis, e.basis?.id ?? null);
  for (const rule of w.reasons ?? []) {
    const rules = (e.reasons ?? []).map((x) => x.rule);
    if (!rules.includes(rule)) problems.push(`reasons: want ${JSON.stringify(rule)} among ${JSON.stringify(rules)}`);
  }
  if (w.body !== undefined || w.json !== undefined || w.forwarded_headers !== undefined) {
    if (r.forwarded === null) problems.push(`forwarded: want a forwarded request, got none (${r.error ?? r.status})`);
    else {
      if (w.body !== undefined) expect('forwarded body', w.body, r.forwarded.body.toString('utf8'));
      if (w.json !== undefined) {
        let got: unknown;
        try {
          got = JSON.parse(r.forwarded.body.toString('utf8'));
        } catch {
          got = `(not JSON) ${r.forwarded.body.toString('utf8').slice(0, 200)}`;
        }
        expect('forwarded json', w.json, got);
      }
      for (const [name, value] of Object.entries(w.forwarded_headers ?? {})) {
        expect(`forwarded header ${name}`, value, r.forwarded.headers[name.toLowerCase()] ?? null);
      }
    }
  }
  return problems;
}
