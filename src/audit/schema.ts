import * as z from 'zod';
import type { AuditDrift, AuditEvent, AuditHeader, AuditThreshold, AuditTrailer } from './event.js';

/**
 * The audit line format as a zod schema: readers validate with it, and `auditJsonSchema()`
 * turns it into docs/audit.schema.json for the tools security teams load the trail into.
 * Objects are not strict: a later optional field must not make older validators reject lines.
 */

const HASH = /^[0-9a-f]{64}$/;
const action = z.enum(['allow', 'redact', 'block']);
const ms = z.number().nonnegative();

const finding = z.object({
  category: z.string().describe('Category id (pi.phone, important.genetic, ...)'),
  grade: z.string().describe('Grade of the category: general, pi, sensitive_pi, important, core'),
  location: z.string().describe('Where the value was: JSON Pointer, form field, query:name, header:name'),
  rule: z.string().describe('Id of the detector or operator rule that found it'),
  confidence: z.number().min(0).max(1),
  action: action.describe('What the policy did with this finding'),
  basis: z.string().nullable().optional().describe('Id of the basis that covered it, null when none did'),
  reason: z.string().nullable().optional().describe('Rule id of the deciding reason (basis:<id>, no-basis, core, category:<id>, grade:<grade>, default, catalog:<c>/<e>, ...)'),
  monitor: z.boolean().optional().describe('True when a rule in monitor mode changed the outcome: action is what was done, wouldBe what the rule would have done'),
  wouldBe: action.optional().describe('With monitor: what the monitored rule would have done with this finding'),
});

const reason = z.object({
  rule: z.string().describe('Stable rule id of the reason'),
  text: z.string().describe('The reason in one sentence; names no detected value'),
  clause: z.string().nullable().describe('The legal clause it rests on, when one applies'),
});

const basis = z.object({
  id: z.string().describe("The operator's id for the basis"),
  type: z.enum(['security_assessment', 'standard_contract', 'certification', 'exemption']),
  reference: z.string().nullable().describe('Filing or approval number, contract reference, or the exempting article'),
  maxIndividuals: z.number().int().nonnegative().nullable().optional().describe('Individuals the basis covers, when it has a figure'),
});

const chainFields = {
  prev: z.string().regex(HASH).describe('Hash of the previous record, or the genesis value'),
  hash: z.string().regex(HASH).describe('HMAC-SHA256(key, prev || canonical JSON of the record without hash), hex'),
};

export const auditEventSchema = z
  .object({
    v: z.literal(1),
    kind: z.enum(['request', 'connect']),
    decisionId: z.string().describe('Also sent to the client in X-Egress-Decision-Id'),
    time: z.iso.datetime({ offset: true }).describe('When the event was written (UTC, ISO 8601)'),
    policyRevision: z.string().describe('Hash of the policy source the decision was made with'),
    client: z.object({
      address: z.string(),
      port: z.number().int().min(0).max(65535),
      application: z.string().nullable().optional().describe('Source application, when the gateway identified it'),
    }),
    via: z.enum(['forward', 'gateway', 'tunnel-http', 'tunnel-tls', 'connect']),
    method: z.string(),
    destination: z.object({
      host: z.string(),
      port: z.number().int().min(0).max(65535),
      ip: z.string().nullable().describe('The address that was checked and dialled'),
      zone: z.string().nullable(),
      jurisdiction: z.string().nullable().describe('ISO 3166-1 alpha-2, ZZ when unknown'),
      abroad: z.boolean().nullable(),
      recipient: z.string().nullable().optional().describe('Receiving legal entity'),
      mixedScript: z.literal(true).optional().describe('A label of the host mixes scripts, as IDN homographs do'),
    }),
    path: z.string().nullable().describe('Path with query values removed'),
    mode: z.enum(['enforce', 'monitor']),
    action: action.describe('What the gateway did'),
    wouldBe: action.describe('What enforce mode would have done'),
    findings: z.array(finding),
    findingsOmitted: z.number().int().nonnegative().optional().describe('Findings left out of findings (allowed domestic flows recorded in summary)'),
    redacted: z.array(z.string()).describe('Locations rewritten before forwarding'),
    status: z.number().int(),
    bytes: z.object({ requestIn: z.number().int().nonnegative(), requestOut: z.number().int().nonnegative(), response: z.number().int().nonnegative() }),
    durationMs: ms,
    error: z.string().nullable().describe('EG_ error code, or null'),
    tunnel: z.enum(['opaque', 'http', 'tls']).nullable().optional(),
    scenario: z.string().nullable().optional().describe('Purpose or catalog scenario the route declares'),
    basis: basis.nullable().optional().describe('Legal basis the flow relied on'),
    bases: z.array(basis).optional().describe('Every basis relied on, when more than one was'),
    basisMissing: z.boolean().optional().describe('Personal or important data went abroad with no basis covering it'),
    reasons: z.array(reason).optional().describe('Distinct reasons behind the decision, deciding ones first'),
    individuals: z
      .object({
        count: z.number().int().nonnegative(),
        hashes: z.array(z.string().regex(/^[0-9a-f]{16}$/)).describe('Keyed hashes of one identifier per individual'),
      })
      .optional(),
    volume: z
      .object({
        year: z.number().int().describe('Calendar year of the counters (Asia/Shanghai)'),
        entity: z.string().describe('Legal entity counted (handler.entity, else default)'),
        nonSensitive: z.number().int().nonnegative().describe('Individuals of this flow counted as non-sensitive (N)'),
        sensitive: z.number().int().nonnegative().describe('Individuals of this flow counted as sensitive (S)'),
        exempt: z.number().int().nonnegative().describe('Individuals of this flow under exemptions counted apart (X)'),
        added: z
          .object({ nonSensitive: z.number().int().nonnegative(), sensitive: z.number().int().nonnegative(), exempt: z.number().int().nonnegative() })
          .describe('Growth of each class counter: individuals not counted before this year'),
        uncounted: z.boolean().optional().describe('The store could not be reached and the flow went uncounted'),
      })
      .optional()
      .describe('What the flow added to the yearly volume counters'),
    timings: z
      .object({ parseMs: ms.nullable(), classifyMs: ms.nullable(), decideMs: ms.nullable(), forwardMs: ms.nullable() })
      .optional(),
    seq: z.number().int().nonnegative().optional().describe('Position of the event in its chain, from 0'),
    prev: chainFields.prev.optional(),
    hash: chainFields.hash.optional(),
  })
  .meta({ id: 'AuditEvent', description: 'One request or CONNECT tunnel' });

export const auditThresholdSchema = z
  .object({
    v: z.literal(1),
    kind: z.literal('threshold'),
    triggeredBy: z.string().describe('Decision id of the request whose individuals made the count cross'),
    time: z.iso.datetime({ offset: true }),
    policyRevision: z.string(),
    entity: z.string().describe('Legal entity counted'),
    year: z.number().int().describe('Calendar year of the counter (Asia/Shanghai)'),
    counter: z.string().describe('non_sensitive, sensitive or basis:<id>'),
    level: z.enum(['alert', 'crossed']).describe('alert: the alert fraction of the threshold was reached; crossed: the threshold'),
    threshold: z.number().int().nonnegative(),
    count: z.number().int().nonnegative().describe('The count after the request'),
    text: z.string().describe('The crossing in one sentence'),
    clause: z.string().nullable().describe('The article the threshold comes from'),
    seq: z.number().int().nonnegative().optional(),
    prev: chainFields.prev.optional(),
    hash: chainFields.hash.optional(),
  })
  .meta({ id: 'AuditThreshold', description: 'A yearly volume counter reached an alert point or a threshold' });

export const auditDriftSchema = z
  .object({
    v: z.literal(1),
    kind: z.literal('drift'),
    drift: z.enum(['category', 'location', 'domain', 'new_category']).describe('category or location: outside the declared scope of the basis relied on; domain: a new domain of a known recipient; new_category: monitor mode, first time this application sent the category to the recipient'),
    key: z.string().describe('Identifies the drift across processes and files'),
    triggeredBy: z.string().describe('Decision id of the request that showed the drift'),
    time: z.iso.datetime({ offset: true }),
    policyRevision: z.string(),
    client: z.object({ address: z.string(), application: z.string().nullable() }),
    destination: z.object({ host: z.string(), zone: z.string(), jurisdiction: z.string(), recipient: z.string().nullable() }),
    basis: z.string().nullable().describe('The basis whose scope was left'),
    category: z.string().nullable(),
    location: z.string().nullable().describe('Field location, array indices as *'),
    action: z.enum(['record', 'refuse']).describe("The policy's drift.action for it"),
    text: z.string().describe('The drift in one sentence; names no detected value'),
    clause: z.string().nullable(),
    seq: z.number().int().nonnegative().optional(),
    prev: chainFields.prev.optional(),
    hash: chainFields.hash.optional(),
  })
  .meta({ id: 'AuditDrift', description: 'A flow beyond the declared scope of its basis, a new domain of a known recipient, or a category first sent' });

export const auditHeaderSchema = z
  .object({
    v: z.literal(1),
    kind: z.literal('header'),
    chain: z.string().describe('Random id of the chain'),
    segment: z.number().int().nonnegative().describe('0 for the genesis segment, +1 per file or restart'),
    firstSeq: z.number().int().nonnegative(),
    keyId: z.string().describe('Identifies the key without revealing it'),
    start: z.iso.datetime({ offset: true }).describe('When the chain began'),
    time: z.iso.datetime({ offset: true }),
    instance: z.string().describe('Host name of the writer'),
    unclean: z.boolean().describe('The previous segment ended without a trailer'),
    ...chainFields,
  })
  .meta({ id: 'AuditHeader', description: 'First record of a segment' });

export const auditTrailerSchema = z
  .object({
    v: z.literal(1),
    kind: z.literal('trailer'),
    chain: z.string(),
    segment: z.number().int().nonnegative(),
    events: z.number().int().nonnegative().describe('Events in this segment'),
    nextSeq: z.number().int().nonnegative(),
    dropped: z.number().int().nonnegative().describe('Events refused in this segment because the backlog was past its bound'),
    reason: z.enum(['rotate', 'close']),
    time: z.iso.datetime({ offset: true }),
    ...chainFields,
  })
  .meta({ id: 'AuditTrailer', description: 'Last record of a segment the writer closed' });

export const auditLineSchema = z.union([auditEventSchema, auditThresholdSchema, auditDriftSchema, auditHeaderSchema, auditTrailerSchema]);

/** The JSON Schema checked in as docs/audit.schema.json (a unit test keeps them equal). */
export function auditJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://egress-guard.invalid/schemas/audit-v1.json',
    title: 'egress-guard audit trail line (v1)',
    description: 'One line of an egress-guard audit trail: an event, or a segment header or trailer of the hash chain. See docs/audit.md.',
    ...z.toJSONSchema(auditLineSchema, { target: 'draft-2020-12', io: 'input' }),
  };
}

// The hand-written types and the schema must describe the same lines.
type Writable<T> = T extends readonly (infer U)[] ? Writable<U>[] : T extends object ? { -readonly [K in keyof T]: Writable<T[K]> } : T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typesAgree: [
  Same<z.output<typeof auditEventSchema>, Writable<AuditEvent>>,
  Same<z.output<typeof auditThresholdSchema>, Writable<AuditThreshold>>,
  Same<z.output<typeof auditDriftSchema>, Writable<AuditDrift>>,
  Same<z.output<typeof auditHeaderSchema>, Writable<AuditHeader>>,
  Same<z.output<typeof auditTrailerSchema>, Writable<AuditTrailer>>,
] = [true, true, true, true, true];
void typesAgree;
