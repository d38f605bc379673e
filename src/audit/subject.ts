import { EgError } from '../errors.js';
import { guessIdentifierCategories, individualHash } from './individual.js';
import { readEvents, type EventFilter, type Progress, type ReadStats } from './read.js';

/**
 * `audit subject`: every flow that carried a given person, for access requests and incident
 * work. The identifier is hashed exactly as the pipeline hashed it; the trail is searched for
 * the hash, so the identifier itself is never written anywhere.
 */

export interface SubjectFlow {
  readonly time: string;
  readonly decisionId: string;
  readonly action: string;
  readonly application: string | null;
  readonly client: string;
  readonly recipient: string | null;
  readonly host: string;
  readonly ip: string | null;
  readonly port: number;
  readonly jurisdiction: string | null;
  readonly categories: readonly string[];
  readonly file: string;
  readonly line: number;
}

export interface SubjectResult {
  /** Every hash searched for (one per identifier and plausible category). */
  readonly hashes: readonly string[];
  readonly flows: readonly SubjectFlow[];
}

/** The hashes one person's identifiers can appear under. With no category given, every category
 *  the identifier's shape allows is tried (a 15-digit number may be a legacy ID or an IMEI). */
export function subjectHashes(key: Buffer, identifiers: readonly string[], category?: string): string[] {
  const hashes = new Set<string>();
  for (const [i, identifier] of identifiers.entries()) {
    const categories = category ? [category] : guessIdentifierCategories(identifier);
    if (categories.length === 0) {
      throw new EgError('EG_CONFIG_INVALID', `identifier #${i + 1} does not look like an ID number, phone, e-mail, passport, card or VIN; pass --category`);
    }
    for (const c of categories) hashes.add(individualHash(key, c, identifier));
  }
  return [...hashes];
}

export async function findSubject(files: readonly string[], hashes: readonly string[], filter: EventFilter, progress?: Progress): Promise<SubjectResult> {
  const wanted = new Set(hashes);
  const stats: ReadStats = { chainRecords: 0, skipped: 0 };
  const flows: SubjectFlow[] = [];
  for await (const { event, file, line } of readEvents(files, filter, stats, progress)) {
    if (!event.individuals?.hashes.some((h) => wanted.has(h))) continue;
    flows.push({
      time: event.time,
      decisionId: event.decisionId,
      action: event.action,
      application: event.client.application ?? null,
      client: event.client.address,
      recipient: event.destination.recipient ?? null,
      host: event.destination.host,
      ip: event.destination.ip,
      port: event.destination.port,
      jurisdiction: event.destination.jurisdiction,
      categories: [...new Set(event.findings.map((f) => f.category))].sort(),
      file,
      line,
    });
  }
  flows.sort((a, b) => a.time.localeCompare(b.time));
  return { hashes, flows };
}

export function formatSubject(result: SubjectResult): string {
  const out = [`hashes searched: ${result.hashes.join(', ')}`, `flows: ${result.flows.length}`];
  for (const f of result.flows) {
    const recipient = f.recipient ?? '(recipient unknown)';
    const from = f.application ?? f.client;
    out.push(`${f.time}  ${f.action.padEnd(6)}  ${from} -> ${f.host}:${f.port} (${f.ip ?? 'no ip'}, ${f.jurisdiction ?? '??'}, ${recipient})  ${f.categories.join(' ') || '-'}  ${f.decisionId}`);
  }
  return `${out.join('\n')}\n`;
}
