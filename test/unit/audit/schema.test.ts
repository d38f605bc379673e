import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditEventSchema, auditJsonSchema, auditLineSchema } from '../../../src/audit/schema.js';
import { fixtureEvents } from '../../fixtures/audit/events.js';
import { fixtureTrail, records } from './helpers.js';

const root = new URL('../../../', import.meta.url);

type Node = { properties?: Record<string, Node>; type?: string | string[]; anyOf?: Node[]; items?: Node };

/** Every property path of a JSON Schema object: "client.address", "findings[].category". */
function paths(node: Node, prefix = ''): string[] {
  const out: string[] = [];
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const path = `${prefix}${name}`;
    out.push(path);
    for (const variant of [child, ...(child.anyOf ?? [])]) {
      if (variant.properties) out.push(...paths(variant, `${path}.`));
      if (variant.items?.properties) out.push(...paths(variant.items, `${path}[].`));
    }
  }
  return out;
}

describe('audit schema', () => {
  it('docs/audit.schema.json is the generated schema (regenerate: egress-guard audit schema)', () => {
    const checkedIn = readFileSync(new URL('docs/audit.schema.json', root), 'utf8');
    expect(checkedIn).toBe(`${JSON.stringify(auditJsonSchema(), null, 2)}\n`);
  });

  it('every field of every record is documented in docs/audit.md', () => {
    const doc = readFileSync(new URL('docs/audit.md', root), 'utf8');
    const defs = (auditJsonSchema()['$defs'] ?? {}) as Record<string, Node>;
    const all = Object.values(defs).flatMap((d) => paths(d));
    expect(all.length).toBeGreaterThan(70);
    expect(all.filter((p) => !doc.includes(`\`${p}\``))).toEqual([]);
  });

  it('accepts what the writer writes and what current producers make', async () => {
    for (const e of fixtureEvents(20)) expect(auditEventSchema.safeParse(e).error).toBeUndefined();
    for (const file of await fixtureTrail()) {
      for (const r of records(file)) expect(auditLineSchema.safeParse(r).error).toBeUndefined();
    }
    const legacy = { ...fixtureEvents(1)[0]! } as Record<string, unknown>;
    for (const k of ['scenario', 'basis', 'basisMissing', 'individuals', 'timings']) delete legacy[k];
    expect(auditEventSchema.safeParse(legacy).success).toBe(true);
  });

  it('rejects a malformed chain link', () => {
    const bad = { ...fixtureEvents(1)[0]!, hash: 'not-hex' };
    expect(auditEventSchema.safeParse(bad).success).toBe(false);
  });
});
