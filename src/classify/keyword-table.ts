/**
 * The built-in keyword dictionary as automaton entries. Each entry says what a match means:
 * a finding by itself (term, section), a finding only with same-category context in the value
 * (weak), context only, a dosage sig, a label that vouches for ICD-10 codes, a trigger after
 * which a name or an address follows, or a negative phrase that cancels what it contains.
 */
import { ADDRESS_TRIGGERS_ZH } from './detectors/address.js';
import { BIOMETRIC_TERMS_EN, BIOMETRIC_TERMS_ZH } from './detectors/biometric.js';
import { GENETIC_ACRONYMS, GENETIC_CONTEXT } from './detectors/genetic.js';
import {
  DOSAGE_SIGS, HEALTH_ACRONYMS, HEALTH_CONTEXT, HEALTH_NEGATIVES, HEALTH_WEAK_ACRONYMS, HEALTH_SECTION_ACRONYMS, HEALTH_SECTIONS_EN,
  HEALTH_SECTIONS_ZH, HEALTH_TERMS_EN, HEALTH_TERMS_ZH, HEALTH_WEAK_EN, HEALTH_WEAK_ZH, ICD_LABELS,
} from './detectors/health.js';
import {
  NAME_ADDRESSED_SUFFIXES_ZH, NAME_APPLICANT_SUFFIXES_ZH, NAME_GREETINGS_ZH, NAME_INTRODUCERS, NAME_LIST_LABELS, NAME_SIGN_OFFS, NAME_SUFFIXES_ZH, NAME_TRIGGERS_EN, NAME_TRIGGERS_ZH, NAME_TRIGGERS_ZH_STRICT,
} from './detectors/name.js';
import { RELIGION_CONTEXT, RELIGION_TERMS, RELIGION_WORDS_EN, RELIGION_WORDS_ZH } from './detectors/religion.js';
import type { KeywordSpec } from './keywords.js';
import { RULES } from './rules.js';
import type { CategoryId } from './taxonomy.js';

export type KeywordKind =
  | 'section' | 'term' | 'weak' | 'context' | 'sig' | 'icdLabel' | 'nameTrigger' | 'nameList' | 'nameSuffix'
  | 'addressTrigger' | 'idLabel' | 'negative' | 'custom';

export interface KeywordInfo {
  readonly kind: KeywordKind;
  readonly category: CategoryId;
  readonly rule: string;
  readonly confidence: number;
  /** Name triggers: a one-word Latin name is enough after this one ("Dear John"). */
  readonly single?: boolean;
  /** Name triggers that are common words: the Han name must end where the run of Han ends. */
  readonly strict?: boolean;
  /** Name triggers that introduce a name by construction (name.ts NAME_INTRODUCERS). */
  readonly introduces?: boolean;
  /** Name triggers after which only a Han name is read ("deliver to 龙强"; "deliver to Lee
   *  Garden" is a place). */
  readonly hanOnly?: boolean;
  /** A nameTrigger after which a Latin name must be pinyin (name.ts isPinyinName). */
  readonly pinyinOnly?: boolean;
  /** Name suffixes that follow a greeting's name: it must open the message (keyword-pass.ts). */
  readonly greeting?: boolean;
  /** Name suffixes whose name must open the message, its line or follow its 【signature】
   *  ("邹福生旅客，您预订的…"; "广大旅客" is no one's name). */
  readonly opening?: boolean;
  /** Name triggers that close a letter or open a chat: a comma and a line break may come first. */
  readonly signOff?: boolean;
  /** ICD labels: how far after the label its code may start (keyword-pass.ts ICD_LABEL_GAP). */
  readonly reach?: number;
}

const HEALTH = 'pi.health';

/** Labels that name the identifier written after them without a colon, split or grouped as
 *  the writer liked ("身份证号 37020/2195/4032/08106", "我的卡号是62580/7861/…"). With a colon
 *  the label scan reads it with the whole field dictionary (scanner.ts); without one, only these
 *  words, which rarely end anything but the identifier's name ("账号" and "证件" start
 *  sentences about logins and paperwork). */
const IDENTIFIER_LABELS: ReadonlyArray<readonly [CategoryId, readonly string[]]> = [
  ['pi.id_card', ['身份证号码', '身份证号', '身份证', '证件号码', '证件号']],
  ['pi.phone', ['手机号码', '手机号', '手机', '联系电话', '电话号码', '电话', '回电', '拨打', '致电']],
  ['pi.bank_card', ['银行卡号', '银行卡', '卡号', '银行账号']],
  ['vehicle.vin', ['车架号', '车辆识别代号', '车辆识别码']],
  ['org.uscc', ['统一社会信用代码', '社会信用代码', '信用代码', '纳税人识别号']],
];
const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'dr']);

function add(
  out: KeywordSpec<KeywordInfo>[], words: readonly string[], info: KeywordInfo,
  options: { caseSensitive?: boolean; boundary?: 'word' | 'stem' | 'none' } = {},
): void {
  for (const word of words) out.push({ word, payload: info, ...options });
}

export function builtinKeywords(): KeywordSpec<KeywordInfo>[] {
  const out: KeywordSpec<KeywordInfo>[] = [];
  const section: KeywordInfo = { kind: 'section', category: HEALTH, rule: RULES.healthSection, confidence: 0.85 };
  const term: KeywordInfo = { kind: 'term', category: HEALTH, rule: RULES.healthKeyword, confidence: 0.8 };
  add(out, HEALTH_SECTIONS_ZH, section);
  add(out, HEALTH_SECTIONS_EN, section);
  add(out, HEALTH_SECTION_ACRONYMS, section, { caseSensitive: true });
  add(out, HEALTH_TERMS_ZH, term);
  add(out, HEALTH_TERMS_EN, term);
  add(out, HEALTH_ACRONYMS, term, { caseSensitive: true });
  const symptom: KeywordInfo = { kind: 'weak', category: HEALTH, rule: RULES.healthKeyword, confidence: 0.7 };
  add(out, HEALTH_WEAK_ZH, symptom);
  add(out, HEALTH_WEAK_EN, symptom);
  add(out, HEALTH_WEAK_ACRONYMS, symptom, { caseSensitive: true });
  add(out, HEALTH_CONTEXT, { kind: 'context', category: HEALTH, rule: '', confidence: 0 });
  add(out, DOSAGE_SIGS, { kind: 'sig', category: HEALTH, rule: RULES.healthDosage, confidence: 0.75 });
  add(out, ICD_LABELS, { kind: 'icdLabel', category: HEALTH, rule: RULES.healthIcd10, confidence: 0 }, { caseSensitive: true });
  // "dx Coronary artery disease I25.1": the diagnosis's words stand between the label and its code.
  // With its space or colon: class="dx" in markup labels nothing.
  add(out, ['dx ', 'Dx ', 'dx:', 'Dx:'], { kind: 'icdLabel', category: HEALTH, rule: RULES.healthIcd10, confidence: 0, reach: 60 }, { caseSensitive: true });
  add(out, HEALTH_NEGATIVES, { kind: 'negative', category: HEALTH, rule: '', confidence: 0 });

  add(out, RELIGION_TERMS, { kind: 'term', category: 'pi.religion', rule: RULES.religionKeyword, confidence: 0.85 });
  const faith: KeywordInfo = { kind: 'weak', category: 'pi.religion', rule: RULES.religionKeyword, confidence: 0.8 };
  add(out, RELIGION_WORDS_ZH, faith);
  add(out, RELIGION_WORDS_EN, faith);
  add(out, RELIGION_CONTEXT, { kind: 'context', category: 'pi.religion', rule: '', confidence: 0 });

  const bio: KeywordInfo = { kind: 'term', category: 'pi.biometric', rule: RULES.biometricKeyword, confidence: 0.75 };
  add(out, BIOMETRIC_TERMS_ZH, bio);
  add(out, BIOMETRIC_TERMS_EN, bio);

  const genetic: KeywordInfo = { kind: 'context', category: 'important.genetic', rule: '', confidence: 0 };
  add(out, GENETIC_CONTEXT, genetic);
  add(out, GENETIC_ACRONYMS, genetic, { caseSensitive: true });

  for (const introduces of [false, true]) {
    const pick = (words: readonly string[]) => words.filter((w) => NAME_INTRODUCERS.has(w) === introduces);
    add(out, pick(NAME_TRIGGERS_ZH), { kind: 'nameTrigger', category: 'pi.name', rule: RULES.nameContext, confidence: 0.8, introduces });
    add(out, pick(NAME_TRIGGERS_ZH_STRICT), { kind: 'nameTrigger', category: 'pi.name', rule: RULES.nameContext, confidence: 0.7, strict: true, introduces });
  }
  for (const [word, single, hanOnly, pinyinOnly] of NAME_TRIGGERS_EN) {
    const info: KeywordInfo = { kind: 'nameTrigger', category: 'pi.name', rule: RULES.nameContext, confidence: 0.75, single, hanOnly, pinyinOnly };
    // Honorifics only as written ("Mr", not the "ms" of "26 ms"), other triggers in any case.
    if (HONORIFICS.has(word)) {
      const cap = word[0]!.toUpperCase() + word.slice(1);
      out.push({ word: cap, payload: info, caseSensitive: true }, { word: `${cap}.`, payload: info, caseSensitive: true });
    } else {
      out.push({ word, payload: info });
    }
  }
  for (const [word, hanOnly] of NAME_SIGN_OFFS) {
    // A Han name stands alone after them, as after the strict triggers.
    out.push({ word, payload: { kind: 'nameTrigger', category: 'pi.name', rule: RULES.nameContext, confidence: 0.75, strict: true, hanOnly, signOff: true } });
  }
  add(out, NAME_LIST_LABELS, { kind: 'nameList', category: 'pi.name', rule: RULES.nameContext, confidence: 0.75 });
  add(out, NAME_SUFFIXES_ZH, { kind: 'nameSuffix', category: 'pi.name', rule: RULES.nameContext, confidence: 0.75 });
  add(out, NAME_GREETINGS_ZH, { kind: 'nameSuffix', category: 'pi.name', rule: RULES.nameContext, confidence: 0.7, greeting: true });
  add(out, NAME_ADDRESSED_SUFFIXES_ZH, { kind: 'nameSuffix', category: 'pi.name', rule: RULES.nameContext, confidence: 0.7, opening: true });
  add(out, NAME_APPLICANT_SUFFIXES_ZH, { kind: 'nameSuffix', category: 'pi.name', rule: RULES.nameContext, confidence: 0.7, opening: true });
  add(out, ADDRESS_TRIGGERS_ZH, { kind: 'addressTrigger', category: 'pi.address', rule: RULES.addressContext, confidence: 0.8 });
  for (const [category, words] of IDENTIFIER_LABELS) add(out, words, { kind: 'idLabel', category, rule: '', confidence: 0 });
  return out;
}
