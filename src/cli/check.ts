import { GRADE_RANK, type Grade } from '../classify/taxonomy.js';
import { loadPolicyFile, PolicyInvalidError } from '../config/load.js';
import type { CompiledPolicy, Zone } from '../config/model.js';
import { isEgError } from '../errors.js';

/**
 * `egress-guard check <policy>`: 0 and a summary of what was compiled, or 2 and every issue,
 * one per line (file:line:col path: message), so CI logs and editors can point at each one.
 */
export function runCheck(path: string, out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
  let policy: CompiledPolicy;
  try {
    policy = loadPolicyFile(path);
  } catch (e) {
    if (e instanceof PolicyInvalidError) {
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
  out.write(summarize(policy));
  return 0;
}

export function summarize(policy: CompiledPolicy): string {
  const { limits, timeouts } = policy;
  const lines = [
    `policy   ${policy.source}`,
    `revision ${policy.revision}`,
    `mode     ${policy.mode}`,
    `limits   body ${bytes(limits.maxBodyBytes)}, decoded ${bytes(limits.maxDecodedBytes)}`,
    `timeouts connect ${timeouts.connectMs} ms, headers ${timeouts.headersMs} ms, body ${timeouts.bodyMs} ms`,
    `resolve  ${policy.resolve.size} static ${policy.resolve.size === 1 ? 'entry' : 'entries'}`,
    `categories ${policy.categoryGrades.size} known`,
  ];
  for (const zone of policy.destinations) lines.push('', ...describeZone(zone, `hosts ${zone.hosts.length}, cidrs ${zone.cidrs.length}`));
  lines.push('', ...describeZone(policy.unknownZone, 'every destination no zone matches'));
  return `${lines.join('\n')}\n`;
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
    `zone ${zone.name}: ${zone.jurisdiction}, ${zone.abroad ? 'abroad' : 'domestic'} (${what})`,
    `  mode ${zone.mode}; tunnel ${zone.tunnel}; uninspectable ${zone.uninspectable}; special addresses ${zone.allowSpecialAddresses ? 'allowed' : 'refused'}`,
    '  actions',
    ...rows.map(([k, v]) => `    ${k.padEnd(width)}  ${v}`),
  ];
}

function bytes(n: number): string {
  for (const [unit, size] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  }
  return `${n} bytes`;
}
