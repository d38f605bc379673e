import { formatHostPattern } from '../destination/host.js';
import { bitsOf, formatIp } from '../destination/ip.js';
import { shanghaiDate } from './compile-legal.js';
import type { ActionTable, CompiledPolicy, Zone } from './model.js';
import type { RawIssue } from './issues.js';
import type { PolicyWire } from './schema.js';

/**
 * What is valid but probably not what the operator meant: bases about to lapse, entries that
 * can never apply, destinations that overlap with different actions. `check` prints these and
 * exits 1; `serve` logs them at load and keeps running.
 */
export function policyWarnings(wire: PolicyWire, policy: CompiledPolicy, now: Date): RawIssue[] {
  const out: RawIssue[] = [];
  const today = shanghaiDate(now);
  policy.basisExpiries(today).forEach((e, i) => {
    if (e.state === 'expired') out.push({ path: ['bases', i, 'valid_to'], message: `basis ${e.id} expired on ${e.validTo} and covers nothing; renew it or remove it` });
    else if (e.state === 'expiring') {
      const renew = policy.bases[i]?.type === 'security_assessment' ? '; an extension is requested 60 working days before it ends' : '; renew it before then';
      out.push({ path: ['bases', i, 'valid_to'], message: `basis ${e.id} expires in ${e.daysLeft} days (${e.validTo})${renew}` });
    }
    else if (e.state === 'not_yet_valid') out.push({ path: ['bases', i, 'valid_from'], message: `basis ${e.id} is not valid until ${e.validFrom} and covers nothing before` });
  });

  const byName = new Map(policy.destinations.map((z) => [z.name, z]));
  const byRecipient = new Map<string, Zone[]>();
  for (const z of policy.destinations) if (z.recipient) byRecipient.set(z.recipient, [...(byRecipient.get(z.recipient) ?? []), z]);
  policy.bases.forEach((b, i) => {
    const zones = [...b.recipients].flatMap((r) => [...(byName.has(r) ? [byName.get(r)!] : []), ...(byRecipient.get(r) ?? [])]);
    if (zones.length > 0 && zones.every((z) => !z.abroad)) {
      out.push({ path: ['bases', i, 'recipients'], message: `basis ${b.id} only names domestic destinations; domestic flows need no basis, so it never applies` });
    }
    b.categories.ids.forEach((id, k) => {
      const grade = policy.categoryGrades.get(id);
      if (grade === undefined) return;
      const unfit =
        grade === 'core' ? 'core data never leaves, under any basis'
        : grade === 'important' && b.type !== 'security_assessment' ? 'important data needs a security assessment'
        : grade === 'sensitive_pi' && b.exemption === 'small_volume' ? 'the small-volume exemption covers non-sensitive personal information only'
        : undefined;
      if (unfit) out.push({ path: ['bases', i, 'categories', k], message: `basis ${b.id} can never cover ${id} (${grade}): ${unfit}` });
    });
  });

  const check = (zone: Zone, w: PolicyWire['unknown'], path: PropertyKey[]): void => {
    if (!zone.abroad || !w?.actions?.grades?.core) return;
    if (w.actions.grades.core !== 'block') out.push({ path: [...path, 'actions', 'grades', 'core'], message: 'core data is always blocked abroad; this entry never applies' });
  };
  (wire.destinations ?? []).forEach((w, i) => {
    const zone = byName.get(w.name);
    if (zone) check(zone, w, ['destinations', i]);
    (w.non_important ?? []).forEach((id, k) => {
      const grade = policy.categoryGrades.get(id);
      if (grade !== undefined && grade !== 'important') out.push({ path: ['destinations', i, 'non_important', k], message: `${id} is ${grade} data, not important: the whitelist changes nothing for it` });
    });
  });
  check(policy.unknownZone, wire.unknown, ['unknown']);

  const declared = new Set<string>();
  for (const c of policy.clients) if (c.scenario) declared.add(c.scenario);
  for (const z of policy.destinations) if (z.scenario) declared.add(z.scenario);
  for (const b of policy.bases) for (const s of b.scenarios ?? []) declared.add(s);
  if (policy.scenarioHeader === null) {
    policy.catalogs.forEach((c, i) =>
      c.entries.forEach((e, k) => {
        if (e.scenario !== null && !declared.has(e.scenario)) {
          out.push({ path: ['catalogs', i, 'entries', k, 'scenario'], message: `no client, destination or basis declares scenario ${e.scenario} and there is no scenario_header: entry ${e.rule} never applies` });
        }
      }),
    );
  }
  out.push(...overlaps(wire, byName));
  return out;
}

/** A host or network claimed by two destinations goes to the more specific one; when their
 *  action tables differ the operator should know which one wins. */
function overlaps(wire: PolicyWire, byName: ReadonlyMap<string, Zone>): RawIssue[] {
  const out: RawIssue[] = [];
  const suffixes: { host: string; zone: string }[] = [];
  const networks: { family: 4 | 6; prefix: number; value: bigint; zone: string; text: string }[] = [];
  for (const d of wire.destinations ?? []) {
    for (const p of d.hosts ?? []) if (p.kind === 'suffix') suffixes.push({ host: p.host, zone: d.name });
    for (const c of d.cidrs ?? []) networks.push({ family: c.family, prefix: c.prefix, value: c.value, zone: d.name, text: `${formatIp(c)}/${c.prefix}` });
  }
  (wire.destinations ?? []).forEach((d, i) => {
    const mine = byName.get(d.name);
    if (!mine) return;
    (d.hosts ?? []).forEach((p, k) => {
      const wider = suffixes.find((s) => s.zone !== d.name && p.host.endsWith(`.${s.host}`));
      const other = wider && byName.get(wider.zone);
      if (other && differ(mine, other)) {
        out.push({ path: ['destinations', i, 'hosts', k], message: `${formatHostPattern(p)} is also matched by "*.${wider.host}" of ${other.name}; ${d.name} wins (more specific) and the two have different actions` });
      }
    });
    (d.cidrs ?? []).forEach((c, k) => {
      const wider = networks.find((n) => n.zone !== d.name && n.family === c.family && n.prefix < c.prefix && c.value >> BigInt(bitsOf(c.family) - n.prefix) === n.value >> BigInt(bitsOf(c.family) - n.prefix));
      const other = wider && byName.get(wider.zone);
      if (other && differ(mine, other)) {
        out.push({ path: ['destinations', i, 'cidrs', k], message: `${formatIp(c)}/${c.prefix} lies inside ${wider.text} of ${other.name}; ${d.name} wins (more specific) and the two have different actions` });
      }
    });
  });
  return out;
}

function differ(a: Zone, b: Zone): boolean {
  return a.abroad !== b.abroad || a.mode !== b.mode || !sameTable(a.actions, b.actions);
}

function sameTable(a: ActionTable, b: ActionTable): boolean {
  const same = (x: ReadonlyMap<string, string>, y: ReadonlyMap<string, string>) => x.size === y.size && [...x].every(([k, v]) => y.get(k) === v);
  return a.fallback === b.fallback && same(a.byGrade, b.byGrade) && same(a.byCategory, b.byCategory);
}
