import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { policyJsonSchema } from '../../../src/config/json-schema.js';

describe('policies/schema.json', () => {
  it('is the schema generated from the loader\'s zod schema (regenerate: npm run schema)', () => {
    const checkedIn = readFileSync(new URL('../../../policies/schema.json', import.meta.url), 'utf8');
    expect(JSON.parse(checkedIn)).toEqual(JSON.parse(JSON.stringify(policyJsonSchema())));
  });

  it('refuses unknown keys and names every top-level section', () => {
    const schema = policyJsonSchema() as { additionalProperties?: unknown; properties: Record<string, unknown> };
    expect(schema.additionalProperties).toBe(false);
    for (const key of ['version', 'destinations', 'unknown', 'bases', 'catalogs', 'clients', 'redaction', 'restricted', 'handler']) {
      expect(schema.properties).toHaveProperty(key);
    }
  });
});
