import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Transform, type Readable } from 'node:stream';
import { isoTime, type AuditBasis, type AuditEvent, type AuditFinding, type AuditVolume } from '../audit/event.js';
import type { Leaf } from '../body/leaf.js';
import { encodeContent } from '../body/decode.js';
import { parseQuery } from '../body/query.js';
import { resolveDestination, type ResolvedDestination } from '../destination/resolve.js';
import { hasMixedScriptLabel } from '../destination/host.js';
import { EgError, isEgError } from '../errors.js';
import { appendVia, endToEndHeaders } from '../forward/headers.js';
import { ClientGone, toEgError } from '../forward/upstream.js';
import { shanghaiDate } from '../config/compile-legal.js';
import { ACTION_RANK, type Client, type LegalBasis } from '../config/model.js';
import { decide, type Decision, type FindingDecision, type Reason } from '../policy/decide.js';
import type { DriftOutcome } from '../policy/drift.js';
import type { Finding } from '../classify/finding.js';
import { redactBody, redactQuery, rewriteValue, type RedactEdit, type RedactMode } from '../transform/redact.js';
import { headerLeaves } from './headers-inspect.js';
import { individualRecords } from './individuals.js';
import { toRedactMode } from './inspect.js';
import { inspectInline } from './inspect-pool.js';
import { readBody, readSmallBody, hasBody } from './read-body.js';
import { TurnBatch } from './turn-batch.js';
import { bodyBudgetFor } from './body-budget.js';
import { sendLocalReply } from './reply.js';
import type { GatewayEnv, Runtime } from './runtime.js';
import { auditPath, resolveTarget, type RequestTarget } from './target.js';
import { routeTarget, upstreamTlsFor } from '../tls/routes.js';
import { publicLocation } from '../config/locations.js';

/** An uninspected body declared at up to this many bytes is held and sent whole (readSmallBody). */
const RELAY_BUFFER_BYTES = 64 * 1024;

/** What one request accumulated on its way through the stages; the audit event is built from it. */
interface RequestRecord {
  readonly decisionId: string;
  readonly started: number;
  /** Taken at the start: a socket that is gone by audit time no longer knows its peer. */
  readonly client: { readonly address: string; readonly port: number };
  target?: RequestTarget;
  destination?: ResolvedDestination;
  decision?: Decision;
  application: Client | null;
  scenario: string | null;
  redacted: string[];
  status: number;
  requestIn: number;
  requestOut: number;
  response: number;
  error: string | null;
  /** Set when the body could not be read: what enforce mode would do about it. */
  uninspectable?: 'allow' | 'block';
  /** True once the request was handed to the upstream: anything else is a refusal. */
  forwarded: boolean;
  individuals: string[];
  /** What the flow added to the yearly volume counters, and the reasons the volume check gave
   *  (a refusal's, or what enforce would have refused). */
  volume?: AuditVolume;
  volumeReasons?: readonly Reason[];
  volumeWouldBlock?: boolean;
  /** Scope drift the flow showed (src/policy/drift.ts), when any. */
  drift?: DriftOutcome;
  timings: { parseMs: number | null; classifyMs: number | null; decideMs: number | null; forwardMs: number | null };
}

/** Runs one HTTP request through target → destination → body → classify → decide → transform →
 *  forward, and writes its audit event whatever happens. */
export async function handleRequest(env: GatewayEnv, req: IncomingMessage, res: ServerResponse, expectsContinue = false): Promise<void> {
  const runtime = env.runtime();
  const record: RequestRecord = {
    decisionId: randomUUID(),
    started: performance.now(),
    client: { address: env.clientAddressOf?.(req) ?? req.socket.remoteAddress ?? '', port: req.socket.remotePort ?? 0 },
    redacted: [],
    application: null,
    scenario: null,
    status: 0,
    requestIn: 0,
    requestOut: 0,
    response: 0,
    error: null,
    forwarded: false,
    individuals: [],
    timings: { parseMs: null, classifyMs: null, decideMs: null, forwardMs: null },
  };
  res.setHeader('x-egress-decision-id', record.decisionId);
  const clientGone = new ClientGone();
  const onClientGone = () => {
    if (!res.writableFinished) clientGone.abort();
  };
  res.once('close', onClientGone);
  // The listener fails the request's read with its own code (src/server/http-limits.ts). When
  // the gateway ended it (its request timeout, a framing error mid-body), the abort that follows
  // must not pass for the client's; a client that just went away stays EG_CLIENT_ABORTED.
  let listenerError: EgError | undefined;
  req.on('error', (err) => {
    if (isEgError(err) && (err.code === 'EG_REQUEST_TIMEOUT' || err.code === 'EG_REQUEST_FRAMING')) listenerError ??= err;
    clientGone.abort();
  });
  try {
    await run(env, runtime, req, res, record, clientGone, expectsContinue);
  } catch (err) {
    const egError = listenerError ?? (isEgError(err) ? err : clientOrInternalError(err, env));
    record.error = egError.code;
    record.status = res.headersSent ? record.status : egError.status;
    if (!res.destroyed) sendLocalReply(req, res, egError, record.decisionId, replyFindings(record.decision), [...(record.volumeReasons ?? []), ...(record.drift?.reasons ?? []), ...replyReasons(record.decision)]);
  } finally {
    res.off('close', onClientGone);
    if (listenerError && record.error === 'EG_CLIENT_ABORTED') record.error = listenerError.code;
    const finished = { at: new Date(), durationMs: performance.now() - record.started };
    const make = () => recordedEvent(runtime, req, record, finished);
    if (env.recordLater) env.recordLater(make);
    else {
      const event = make();
      if (event) env.audit.write(event);
    }
  }
}

/** The audit event of a finished request as the policy's audit settings record it: in full, as
 *  a summary, or (an allowed domestic flow with domestic_detail off) not at all. */
function recordedEvent(runtime: Runtime, req: IncomingMessage, record: RequestRecord, finished: Finished): AuditEvent | undefined {
  const event = toAuditEvent(runtime, req, record, finished);
  const domesticAllowed = event.destination.abroad === false && event.action === 'allow' && event.error === null;
  const detail = runtime.policy.audit.domesticDetail;
  if (!domesticAllowed || detail === 'full') return event;
  if (detail === 'summary') return { ...event, findings: [], findingsOmitted: event.findings.length };
  return undefined;
}

/** When a request ended: its event may be built later (GatewayEnv.recordLater). */
interface Finished {
  readonly at: Date;
  readonly durationMs: number;
}

function clientOrInternalError(err: unknown, env: GatewayEnv): EgError {
  const code = (err as { code?: string } | undefined)?.code;
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return new EgError('EG_BAD_REQUEST', 'the client closed the connection before the request completed');
  }
  env.log.error({ err }, 'request failed');
  return new EgError('EG_INTERNAL');
}

async function run(
  env: GatewayEnv,
  runtime: Runtime,
  req: IncomingMessage,
  res: ServerResponse,
  record: RequestRecord,
  signal: ClientGone,
  expectsContinue: boolean,
): Promise<void> {
  const { policy, classifier } = runtime;
  // TLS origination routes (README "HTTPS") may send a cleartext request out over TLS.
  const target = routeTarget(resolveTarget(req, env.tunnels.get(req.socket as Socket)), policy.tls.routes);
  record.target = target;
  const destination = await resolveDestination(policy, target.host, target.port, {
    selfPorts: env.selfPorts,
    ...(env.lookupHost ? { lookupHost: env.lookupHost } : {}),
    ...(env.publicAddresses ? { publicAddresses: env.publicAddresses } : {}),
  });
  record.destination = destination;
  const zone = destination.zone;
  const clientHeaderValue = policy.clientHeader === null ? undefined : headerValue(req, policy.clientHeader);
  record.application = policy.clientFor(clientHeaderValue, record.client.address);
  const scenarioHeaderValue = policy.scenarioHeader === null ? undefined : headerValue(req, policy.scenarioHeader);
  record.scenario = scenarioHeaderValue ?? record.application?.scenario ?? zone.scenario;
  const now = env.clock?.() ?? new Date();
  const ctx = { policy, zone, client: record.application, scenario: record.scenario, date: shanghaiDate(now) };
  if (zone.hardBlock !== null) {
    // Refused before the body is read: no data at all goes to such a recipient.
    record.decision = decide(ctx, []);
    if (zone.mode === 'enforce') throw new EgError('EG_RECIPIENT_RESTRICTED', `destination ${zone.name}`);
  }
  if (expectsContinue) res.writeContinue();

  const queryLeaves: Leaf[] = target.query === null ? [] : parseQuery(target.query);
  const selectedHeaders: Leaf[] = runtime.inspects(zone) ? headerLeaves(req.headers, runtime.headerSelector) : [];
  let bodyLeaves: readonly Leaf[] = [];
  let bodyFindings: Finding[] = [];
  let outgoingBody: Buffer | Readable | null = null;
  let decoded: Buffer | null = null;
  const encoding = req.headers['content-encoding'];
  // Identity headers are for the gateway only.
  const dropHeaders: string[] = [policy.clientHeader, policy.scenarioHeader].filter((h): h is string => h !== null);
  // The error is made only when it is thrown: an Error captures a stack (~10 µs), which a
  // request relayed under `uninspectable: allow` has no use for.
  const markUninspectable = (code: 'EG_BODY_UNINSPECTABLE' | 'EG_BODY_TOO_LARGE', error: () => EgError) => {
    record.uninspectable = zone.uninspectable;
    record.error = code;
    if (zone.uninspectable === 'block' && zone.mode === 'enforce') throw error();
  };

  if (!runtime.inspects(zone)) {
    // A destination abroad whose payloads are never read is what `uninspectable` is about.
    if (zone.inspect === 'never' && zone.abroad && hasBody(req)) {
      markUninspectable('EG_BODY_UNINSPECTABLE', () => new EgError('EG_BODY_UNINSPECTABLE', `inspection is off for destination ${zone.name} (inspect: never)`));
    }
    if (hasBody(req)) {
      const small = await readSmallBody(req, RELAY_BUFFER_BYTES, { budget: bodyBudgetFor(env, policy.limits.bodyBudgetBytes), heldUntil: res });
      if (small?.complete) {
        outgoingBody = small.body;
        record.requestIn = small.body.length;
      } else outgoingBody = countBytes(small === null ? req : small.whole(), (n) => (record.requestIn = record.requestOut += n));
    }
  } else if (hasBody(req)) {
    // Bounded memory (src/pipeline/body-budget.ts): no body larger than the whole budget is buffered.
    const limit = Math.min(policy.limits.maxBodyBytes, policy.limits.bodyBudgetBytes);
    const budget = { budget: bodyBudgetFor(env, policy.limits.bodyBudgetBytes), waitMs: policy.timeouts.bodyBudgetWaitMs, heldUntil: res };
    const read = await readBody(req, limit, budget);
    if (!read.complete) {
      markUninspectable('EG_BODY_TOO_LARGE', () => new EgError('EG_BODY_TOO_LARGE', `limit ${limit} bytes`));
      outgoingBody = countBytes(read.whole(), (n) => (record.requestIn = record.requestOut += n));
    } else {
      record.requestIn = read.body.length;
      outgoingBody = read.body;
      try {
        const parseStart = performance.now();
        const job = { raw: read.body, encoding, contentType: req.headers['content-type'], now, maxDecodedBytes: policy.limits.maxDecodedBytes };
        // Large bodies go to an inspection thread, which hands the bytes back (transferred).
        const result = env.inspectPool ? await env.inspectPool.inspect(policy, classifier, job) : inspectInline(classifier, job);
        outgoingBody = result.raw;
        if ('error' in result) throw result.error;
        decoded = result.decoded;
        const inspection = result.inspection;
        // Decode, parse and classify run as one call; the split is reported as one figure.
        record.timings.parseMs = performance.now() - parseStart;
        bodyLeaves = inspection.parsed.leaves;
        bodyFindings = inspection.findings;
        const opaque = inspection.parsed.opaque ?? [];
        if (opaque.length > 0) {
          markUninspectable('EG_BODY_UNINSPECTABLE', () => new EgError('EG_BODY_UNINSPECTABLE', `unreadable parts: ${opaque.map((o) => `${publicLocation(o.location)} (${o.reason})`).join(', ')}`));
        }
      } catch (err) {
        if (!isEgError(err)) throw err;
        decoded = null;
        if (err.code === 'EG_BODY_UNINSPECTABLE' || err.code === 'EG_BODY_TOO_LARGE') markUninspectable(err.code, () => err);
        else markUninspectable('EG_BODY_UNINSPECTABLE', () => new EgError('EG_BODY_UNINSPECTABLE', err.detail ?? err.code));
      }
    }
  }

  const classifyStart = performance.now();
  const queryFindings = queryLeaves.length > 0 ? classifier.classify(queryLeaves, now) : [];
  const headerFindings = selectedHeaders.length > 0 ? classifier.classify(selectedHeaders, now) : [];
  record.timings.classifyMs = performance.now() - classifyStart;
  const people = individualRecords(env.individualKey, [
    { leaves: queryLeaves, findings: queryFindings },
    { leaves: selectedHeaders, findings: headerFindings },
    { leaves: bodyLeaves, findings: bodyFindings },
  ]);
  record.individuals = people.map((p) => p.hash);
  const decideStart = performance.now();
  const decision = decide(ctx, [...queryFindings, ...headerFindings, ...bodyFindings]);
  record.timings.decideMs = performance.now() - decideStart;
  record.decision = decision;
  // No export without its record: a trail that cannot be written stops flows abroad.
  if (zone.abroad && env.audit.healthy?.() === false && zone.mode === 'enforce' && policy.audit.onAuditFailure === 'refuse') {
    throw new EgError('EG_AUDIT_UNAVAILABLE');
  }
  // Scope drift: each distinct drift is recorded once per process; refused when the policy says so.
  const drift = env.drift?.check({ ctx, decision, host: target.host, application: record.application?.id ?? null, decisionId: record.decisionId, clientAddress: record.client.address, now: new Date() });
  if (drift) record.drift = drift;
  if (decision.action === 'block') throw new EgError('EG_BLOCKED_BY_POLICY', `destination zone ${zone.name} (${zone.jurisdiction})`);
  if (drift?.refusal) throw drift.refusal;
  // Yearly volume thresholds (2024 Provisions Arts. 5, 7, 8): the individuals are counted, or
  // the request refused, before anything leaves.
  if (env.volume && zone.abroad && people.length > 0) {
    const admission = await env.volume.admit({ policy, zone, decision, people, now, decisionId: record.decisionId });
    if (admission.audit) record.volume = admission.audit;
    record.volumeReasons = admission.reasons;
    record.volumeWouldBlock = admission.wouldBlock;
    if (admission.refusal) throw admission.refusal;
  }

  let path = target.query === null ? target.pathname : `${target.pathname}?${target.query}`;
  const headerRewrites = new Map<string, string | null>();
  if (decision.action === 'redact') {
    const toRedact = new Map<Finding, RedactMode>();
    for (const d of decision.perFinding) {
      if (d.action === 'redact') toRedact.set(d.finding, toRedactMode(d.redactMode, policy.redaction));
    }
    const editsIn = (findings: readonly Finding[]) => findings.flatMap((f) => {
      const mode = toRedact.get(f);
      return mode === undefined ? [] : [{ leafIndex: f.leafIndex, start: f.start, end: f.end, mode }];
    });
    const queryEdits = editsIn(queryFindings);
    if (queryEdits.length > 0) {
      const query = redactQuery(target.query ?? '', queryLeaves, queryEdits);
      path = query === '' ? target.pathname : `${target.pathname}?${query}`;
    }
    const bodyEdits = editsIn(bodyFindings);
    if (bodyEdits.length > 0 && decoded !== null) {
      outgoingBody = encodeContent(redactBody(decoded, bodyLeaves, bodyEdits), encoding);
      dropHeaders.push('content-length', 'content-md5', 'digest', 'content-digest', 'repr-digest');
    }
    const headerEdits = new Map<number, RedactEdit[]>();
    for (const edit of editsIn(headerFindings)) headerEdits.set(edit.leafIndex, [...(headerEdits.get(edit.leafIndex) ?? []), edit]);
    for (const [leafIndex, edits] of headerEdits) {
      const leaf = selectedHeaders[leafIndex]!;
      headerRewrites.set(leaf.location, rewriteValue(leaf.value, edits));
    }
    for (const finding of toRedact.keys()) {
      const where = publicLocation(finding.location);
      if (!record.redacted.includes(where)) record.redacted.push(where);
    }
  }
  if (Buffer.isBuffer(outgoingBody)) record.requestOut = outgoingBody.length;

  const headers = endToEndHeaders(req.headers, ['host', ...dropHeaders]);
  headers['host'] = target.hostHeader;
  for (const leaf of selectedHeaders) {
    const rewritten = headerRewrites.get(leaf.location);
    if (rewritten === undefined) continue;
    const current = headers[leaf.key!];
    const index = /\[(\d+)\]$/.exec(leaf.location);
    if (Array.isArray(current) && index) {
      // A copy: the array is shared with req.headers. A dropped value leaves a hole, filtered below.
      const values: (string | null)[] = [...current];
      values[Number(index[1])] = rewritten;
      headers[leaf.key!] = values as string[];
    } else if (rewritten === null) delete headers[leaf.key!];
    else headers[leaf.key!] = rewritten;
  }
  if (headerRewrites.size > 0) {
    for (const [name, value] of Object.entries(headers)) {
      if (Array.isArray(value) && value.includes(null as unknown as string)) headers[name] = value.filter((v) => v !== null);
    }
  }
  if (Buffer.isBuffer(outgoingBody)) headers['content-length'] = String(outgoingBody.length);
  appendVia(headers, req.httpVersion, env.viaPseudonym);

  record.forwarded = true;
  const forwardStart = performance.now();
  const upstreamResponse = await env.upstream.send({
    ip: destination.ip,
    port: destination.port,
    method: req.method ?? 'GET',
    path,
    headers,
    body: outgoingBody,
    signal,
    ...upstreamTlsFor(target, policy.tls),
  });
  record.status = upstreamResponse.statusCode;
  const body = upstreamResponse.body;
  await endOfTurn();
  if (res.destroyed) {
    // The client went away while the answer waited: nothing more to send it.
    body.destroy();
    record.error = 'EG_CLIENT_ABORTED';
    return;
  }
  if (body.error !== null) throw toEgError(body.error);
  try {
    const responseHeaders = endToEndHeaders(upstreamResponse.headers);
    appendVia(responseHeaders, '1.1', env.viaPseudonym);
    responseHeaders['x-egress-decision-id'] = record.decisionId;
    res.writeHead(upstreamResponse.statusCode, responseHeaders);
  } catch (err) {
    body.destroy();
    throw err;
  }
  try {
    await body.pipeTo(res, (n) => (record.response += n));
    record.timings.forwardMs = performance.now() - forwardStart;
  } catch (err) {
    if (res.destroyed && !res.writableFinished && signal.aborted) {
      record.error = 'EG_CLIENT_ABORTED';
      return;
    }
    throw toEgError(err);
  }
}

/** The upstream answers that arrived in one turn of the event loop are relayed together at its
 *  end: their head and body handling then run back to back, as the inspections before them do
 *  (turn-batch.ts; ~5 % less CPU per 2 KiB request). Meanwhile the answer's body holds what
 *  arrives, and an error (forward/exchange.ts). */
const answersOfTurn = new TurnBatch<() => void>((resume) => resume(), () => {});

function endOfTurn(): Promise<void> {
  return new Promise((resolve) => answersOfTurn.push(resolve));
}

/** A pass-through that counts bytes; with a source, pipes it through. */
function countBytes(source: Readable | null, add: (n: number) => void): Transform {
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      add(chunk.length);
      done(null, chunk);
    },
  });
  if (source) {
    source.on('error', (err) => counter.destroy(err));
    source.pipe(counter);
  }
  return counter;
}

function replyFindings(decision: Decision | undefined) {
  if (!decision) return [];
  return decision.perFinding
    .filter((d) => d.action === 'block')
    .map(({ finding, reasons }) => ({ category: finding.category, location: publicLocation(finding.location), rule: finding.rule, reason: reasons[0]?.rule ?? null }));
}

/** The distinct reasons behind a refusal, so the client learns which basis or clause is missing. */
function replyReasons(decision: Decision | undefined) {
  if (!decision) return [];
  if (decision.hardBlock) return [decision.hardBlock];
  return distinctReasons(decision.perFinding.filter((d) => d.action === 'block'));
}

/** Every reason, those of the strictest findings first: the first reason is the one that
 *  decided; the catalog reasons that set a grade follow the decision they led to. */
function distinctReasons(decisions: readonly FindingDecision[]): Reason[] {
  const seen = new Map<string, Reason>();
  const ordered = [...decisions].sort((a, b) => ACTION_RANK[b.action] - ACTION_RANK[a.action]);
  for (const d of ordered) for (const r of d.reasons) if (!seen.has(r.text)) seen.set(r.text, r);
  return [...seen.values()];
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined || first.trim() === '' ? undefined : first.trim();
}

function toAuditEvent(runtime: Runtime, req: IncomingMessage, record: RequestRecord, finished: Finished): AuditEvent {
  const dest = record.destination;
  const decision = record.decision;
  const findings: AuditFinding[] = (decision?.perFinding ?? []).map(({ finding, grade, action, wouldBe: findingWouldBe, basis, reasons, enforced }) => ({
    category: finding.category,
    grade,
    location: publicLocation(finding.location),
    rule: finding.rule,
    confidence: finding.confidence,
    action,
    basis: basis?.id ?? null,
    reason: reasons[0]?.rule ?? null,
    ...(enforced ? {} : { monitor: true, wouldBe: findingWouldBe }),
  }));
  const bases = (decision?.bases ?? []).map(auditBasis);
  const mode = dest?.zone.mode ?? runtime.policy.mode;
  const action = record.forwarded ? (decision?.action ?? 'allow') : 'block';
  let wouldBe = decision?.wouldBe ?? 'block';
  if (record.uninspectable === 'block' || action === 'block' || record.volumeWouldBlock || record.drift?.wouldBlock) wouldBe = 'block';
  return {
    v: 1,
    kind: 'request',
    decisionId: record.decisionId,
    time: isoTime(finished.at),
    policyRevision: runtime.policy.revision,
    client: { address: record.client.address, port: record.client.port, application: record.application?.id ?? null },
    via: record.target?.via ?? 'forward',
    method: req.method ?? '',
    destination: {
      host: record.target?.host ?? '',
      port: record.target?.port ?? 0,
      ip: dest?.ip || null,
      zone: dest?.zone.name ?? null,
      jurisdiction: dest?.zone.jurisdiction ?? null,
      abroad: dest ? dest.zone.abroad : null,
      recipient: dest?.zone.recipient ?? null,
      ...(record.target && hasMixedScriptLabel(record.target.host) ? { mixedScript: true as const } : {}),
    },
    path: record.target ? auditPath(record.target, runtime.classifier, finished.at) : null,
    mode,
    action,
    wouldBe,
    findings,
    redacted: action === 'redact' ? record.redacted : [],
    status: record.status,
    bytes: { requestIn: record.requestIn, requestOut: record.requestOut, response: record.response },
    durationMs: Math.round(finished.durationMs * 1000) / 1000,
    error: record.error,
    scenario: record.scenario,
    basis: bases[0] ?? null,
    ...(bases.length > 1 ? { bases } : {}),
    basisMissing: action !== 'block' && (decision?.basisMissing ?? false),
    reasons: [...(record.volumeReasons ?? []), ...(record.drift?.reasons ?? []), ...auditReasons(decision)],
    individuals: { count: record.individuals.length, hashes: record.individuals },
    ...(record.volume ? { volume: record.volume } : {}),
    timings: roundTimings(record.timings),
  };
}

function auditBasis(b: LegalBasis): AuditBasis {
  return { id: b.id, type: b.type, reference: b.reference, maxIndividuals: b.maxIndividuals };
}

/** Every distinct reason behind the decision, deciding ones first: what an auditor reads. */
function auditReasons(decision: Decision | undefined): Reason[] {
  if (!decision) return [];
  if (decision.hardBlock) return [decision.hardBlock];
  return distinctReasons(decision.perFinding);
}

function roundTimings(t: RequestRecord['timings']): RequestRecord['timings'] {
  const r = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);
  return { parseMs: r(t.parseMs), classifyMs: r(t.classifyMs), decideMs: r(t.decideMs), forwardMs: r(t.forwardMs) };
}
