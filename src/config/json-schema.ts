import * as z from 'zod';
import { policySchema } from './schema.js';

/**
 * policies/schema.json: the policy format as JSON Schema, for editors (a `yaml-language-server`
 * modeline in each example points at it). Generated from the one zod schema the loader uses, so
 * it cannot drift; a unit test compares the checked-in file with this output
 * (regenerate: `npm run schema`).
 */
export function policyJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(policySchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  return {
    ...generated,
    $id: 'https://egress-guard.invalid/schemas/policy-v1.json',
    title: 'egress-guard policy (version 1)',
    description: 'An egress-guard policy file. See README "Policy files" and `egress-guard check`.',
  };
}
