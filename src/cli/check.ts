import { GRADE_RANK, type Grade } from '../classify/taxonomy.js';
import { shanghaiDate } from '../config/compile-legal.js';
import { formatIssue, loadPolicyFile, PolicyInvalidError } from '../config/load.js';
import type { CompiledPolicy, VolumeSettings, Zone } from '../config/model.js';
import { isEgError } from '../errors.js';

/**
 * `egress-guard check <policy…>`: every error and warning of every file, one per line
 * (file:line:col path: message), so CI logs and editors can point at each one. Exit 0 when all
 * are clean, 1 when there are warnings only, 2 when any file is invalid.
 */
export function runChecks(paths: readonly string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream, quiet = false, now?: Date): number {
  let worst = 0;
  for (const path of paths) worst = Math.max(worst, runCheck(path, out, err, quiet || paths.length > 1, now));
  return worst;
}

export function runCheck(path: string, out: NodeJS.WritableStream, err: NodeJS.WritableStream, quiet = false, now?: Date): number {
  let policy: CompiledPolicy;
  try {
    policy = loadPolicyFile(path, now ? { now } : {});
  } catch (e) {
    if (e instanceof PolicyInvalidError) {
      if (looksLikeTestCases(e)) {
        err.write(`${path}: this is a policy test file (it has cases:), not a policy; run: egress-guard test ${path}\n`);
        return 2;
      }
      for (const line of e.lines()) err.write(`${line}\n`);
      err.write(`${path}: ${e.issues.length === 1 ? '1 issue' : `${e.issues.length} issues`}; the policy was not loaded\n`);
      return 2;
    }
    if (isEgError(e)) {
      err.write(`${e.code}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  for (const w of policy.warnings) err.write(`${formatIssue(w)} (warning)\n`);
  if (quiet) out.write(`${path}: ok, revision ${policy.revision}${policy.warnings.length > 0 ? `, ${policy.warnings.length} warning(s)` : ''}\n`);
  else out.write(summarize(policy, now));
  return policy.warnings.length > 0 ? 1 : 0;
}

/** A `*.test.yaml` beside its policy is easily caught by a glob such as `check policies/*.yaml`. */
const looksLikeTestCases = (e: PolicyInvalidError): boolean =>
  e.issues.some((i) => i.path === 'cases') && e.issues.some((i) => i.path === 'policy');

export function summarize(policy: CompiledPolicy, now = new Date()): string {
  const { limits, timeouts } = policy;
  const lines = [
    `policy   ${policy.source}`,
    `revision ${policy.revision}`,
    `mode     ${policy.mode}`,
    `limits   body ${bytes(limits.maxBodyBytes)}, decoded ${bytes(limits.maxDecodedBytes)}, buffered at once ${bytes(limits.bodyBudgetBytes)}; headers ${bytes(limits.maxHeaderBytes)} in at most ${limits.maxHeaders} fields; connections ${limits.maxConnections}, pipelined ${limits.maxPipelinedRequests}`,
    `timeouts upstream connect ${timeouts.connectMs} ms, headers ${timeouts.headersMs} ms, body ${timeouts.bodyMs} ms; client headers ${timeouts.requestHeadersMs} ms, request ${timeouts.requestMs} ms, keep-alive ${timeouts.keepAliveMs} ms; body budget wait ${timeouts.bodyBudgetWaitMs} ms`,
    `resolve  ${policy.resolve.size} static ${policy.resolve.size === 1 ? 'entry' : 'entries'}`,
    `categories ${policy.categoryGrades.size} known`,
    `handler  ${policy.handler.entity ?? '(unnamed)'}${policy.handler.ciio ? ', CIIO' : ''}${policy.handler.ftz ? `, FTZ ${policy.handler.ftz}` : ''}`,
    `clients  ${policy.clients.map((c) => c.id).join(', ') || '(none)'}${policy.clientHeader ? ` (header ${policy.clientHeader})` : ''}`,
    `catalogs ${policy.catalogs.map((c) => `${c.id} (${c.kind}, ${c.entries.length})`).join(', ') || '(none)'}`,
    `audit    on failure ${policy.audit.onAuditFailure}; domestic detail ${policy.audit.domesticDetail}`,
    `drift    ${policy.drift.action}`,
    describeVolume(policy.volume),
  ];
  // README "HTTPS": shown when the policy configures any of it.
  const { tls } = policy;
  if (tls.ca) lines.push(`tls      operator CA ${tls.ca.cert.subject.replace(/\n/g, ', ')} (${tls.ca.keyKind.type === 'ec' ? `ECDSA ${tls.ca.keyKind.curve}` : `RSA ${tls.ca.keyKind.bits}`}, until ${tls.ca.notAfter.toISOString().slice(0, 10)}); leaves ${tls.leafValidityMs / 3_600_000} h, cache ${tls.leafCacheSize}`);
  if (tls.upstreamTrust.extra.length > 0) lines.push(`tls      ${tls.upstreamTrust.extra.length} extra upstream CA${tls.upstreamTrust.extra.length === 1 ? '' : 's'}`);
  for (const r of tls.routes) {
    const match = [r.host ? `host ${r.host.kind === 'suffix' ? '*.' : ''}${r.host.host}` : '', r.pathPrefix ? `path ${r.pathPrefix}*` : ''].filter(Boolean).join(' and ');
    lines.push(`route    ${match} → https://${r.upstream.host === '*' ? '(requested host)' : r.upstream.host}:${r.upstream.port}`);
  }
  const today = shanghaiDate(now);
  const expiries = new Map(policy.basisExpiries(today).map((e) => [e.id, e]));
  if (policy.bases.length > 0) lines.push('', 'bases');
  for (const b of policy.bases) {
    const e = expiries.get(b.id)!;
    const state = e.state === 'valid' ? '' : e.state === 'expiring' ? `  EXPIRES IN ${e.daysLeft} DAYS` : `  ${e.state.toUpperCase().replace(/_/g, ' ')}`;
    lines.push(`  ${b.id}: ${b.exemption ?? b.type}, ${b.validFrom} to ${b.validTo ?? 'open'}; recipients ${[...b.recipients].join(', ')}; categories ${b.categories.ids.join(', ')}${b.scenarios ? `; scenarios ${[...b.scenarios].join(', ')}` : ''}${b.locations ? `; locations ${b.locations.patterns.join(', ')}` : ''}${state}`);
  }
  for (const zone of policy.destinations) lines.push('', ...describeZone(zone, `hosts ${zone.hosts.length}, cidrs ${zone.cidrs.length}`));
  lines.push('', ...describeZone(policy.unknownZone, 'every host no destination matches'));
  return `${lines.join('\n')}\n`;
}

function describeVolume(volume: VolumeSettings): string {
  if (!volume.needed) return 'volume   not counted (no flow abroad can carry personal information)';
  const { store, thresholds: t } = volume;
  const where = store.kind === 'sqlite' ? `sqlite ${store.path}` : store.kind === 'redis' ? `redis (prefix ${store.keyPrefix})` : 'memory';
  return `volume   ${where}; thresholds N ${t.nonSensitive.toLocaleString('en')} / ${t.nonSensitiveAssessment.toLocaleString('en')}, S ${t.sensitiveAssessment.toLocaleString('en')}; alert at ${Math.round(t.alertFraction * 100)} %; over limit ${volume.actionOverLimit}; store failure ${volume.onStoreFailure}`;
}

function describeZone(zone: Zone, what: string): string[] {
  const rows: [string, string][] = [];
  const categories = [...zone.actions.byCategory].sort(([a], [b]) => a.localeCompare(b));
  for (const [id, action] of categories) rows.push([`category ${id}`, action]);
  const grades = [...zone.actions.byGrade].sort(([a], [b]) => GRADE_RANK[b as Grade] - GRADE_RANK[a as Grade]);
  for (const [grade, action] of grades) rows.push([`grade ${grade}`, action]);
  rows.push(['default', zone.actions.fallback]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return [
    `destination ${zone.name}: ${zone.jurisdiction}, ${zone.abroad ? 'abroad' : 'domestic'} (${what})${zone.recipient ? `, recipient ${zone.recipient}` : ''}${zone.hardBlock ? `, REFUSED (${zone.hardBlock})` : ''}`,
    `  mode ${zone.mode}; tunnel ${zone.tunnel}; uninspectable ${zone.uninspectable}; special addresses ${zone.allowSpecialAddresses ? 'allowed' : 'refused'}`,
    ...(zone.ports || zone.scenario || zone.inspect !== 'auto' || zone.nonImportant || zone.tls === 'intercept'
      ? [`  ${[zone.ports ? `ports ${[...zone.ports].join(', ')}` : '', zone.scenario ? `scenario ${zone.scenario}` : '', zone.inspect !== 'auto' ? `inspect ${zone.inspect}` : '', zone.nonImportant ? `non-important ${zone.nonImportant.ids.join(', ')}` : '', zone.tls === 'intercept' ? 'tls intercept' : ''].filter(Boolean).join('; ')}`]
      : []),
    '  actions (findings no basis covers)',
    ...rows.map(([k, v]) => `    ${k.padEnd(width)}  ${v}`),
    ...(zone.always
      ? ['  always', ...[...zone.always.byCategory].map(([k, v]) => `    category ${k}  ${v}`), ...[...zone.always.byGrade].map(([k, v]) => `    grade ${k}  ${v}`)]
      : []),
  ];
}

function bytes(n: number): string {
  for (const [unit, size] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  }
  return `${n} bytes`;
}
