/**
 * The per-leaf hot path. Each value is walked once by char code; only candidates stop the
 * walk — a digit run (ids, phones, cards, IMEIs, coordinates: numeric.ts), a letter/digit token
 * (USCC, VIN, passports, rsIDs, ICD-10 codes, DNA), an '@' (e-mail), a colon or '=' (a label),
 * a province character (plates), a '>' at a line start (FASTA) — and only those reach the
 * validators. Then one pass of the keyword automaton handles every dictionary category
 * (keyword-pass.ts). The field name is looked up once per leaf; it can establish the whole
 * value (field-rules.ts), support a candidate, or lower one ("trackingNo": a Luhn-valid number
 * is not a card).
 */
import type { Leaf } from '../body/leaf.js';
import { isAlnumCode, isAsciiUpperCode, isCjkCode, isDigitCode, isFullwidthAscii, isInvisibleCode, isSpaceCode, isXCode, nearLineStart } from './chars.js';
import {
  addressSpanAfter, documentSpanAfter, labelAtColon, labelBefore, nameishLabel, nameSpanAfter, valueStartAfter,
} from './context.js';
import type { CustomRules } from './custom.js';
import { addressConfidenceFactor } from './detectors/address.js';
import { isRegisteredIban } from './detectors/bank-card.js';
import { matchEmailAt, matchFoldedEmailAt } from './detectors/email.js';
import { fastaEnd, isGenotypeCall, isRsId, MIN_SEQUENCE, MIN_SEQUENCE_LINE } from './detectors/genetic.js';
import { clauseSpan, isIcd10, isMedicalValue } from './detectors/health.js';
import type { CivilDate } from './detectors/id-card.js';
import { isPointArrayKey } from './detectors/location.js';
import {
  hanNameAfterNumber, hanNameBeforeEmail, hanNameBeforeNumber, isBusinessParent, isDottedCjkName, isLatinPersonName, isNameishKey, isNeverPersonParent, isPlainHanName, isThingParent, nameishKeyTakes, otherScriptNameAfter,
} from './detectors/name.js';
import { mentionedNameAt, nameBeforeDate, speakerBesideTime, speakerInBrackets, swiftPartyName } from './detectors/name-contexts.js';
import { isChineseTravelDocument, mrzNameAt, passportConfidenceFactor, ssrDocsAt } from './detectors/passport.js';
import { iataContactMobileStart } from './detectors/phone.js';
import { isProvinceCode, matchPlateAt } from './detectors/plate.js';
import { usccConfidence } from './detectors/uscc.js';
import { vinConfidence } from './detectors/vin.js';
import { fieldFindings, fieldIdentifier, identifierRunEnd, isSplittableIdentifier, joinCjkRuns, labelledTravelDocument, nameFactorFor } from './field-rules.js';
import { isHolderKey, isPartKey, lookupField, mayBeField, namesPartOfName, normalizeFieldName, partOf, REFERENCE, ROLE_WEIGHT, type FieldMatch } from './fields.js';
import type { Finding } from './finding.js';
import { applyKeywords, isMedicalLabel, type Span } from './keyword-pass.js';
import type { KeywordInfo } from './keyword-table.js';
import { orderByEnd, type KeywordAutomaton, type KeywordMatch } from './keywords.js';
import { NumericScanner } from './numeric.js';
import { LOWERABLE_RULES, RULES } from './rules.js';
import {
  ADDRESS, BANK_CARD, EMAIL, GENETIC, HEALTH, ID_CARD, MINOR, NAME, PASSPORT, PHONE, PLATE, RELIGION, USCC, VIN, type ScanHost, type Support,
} from './scan-host.js';
import type { CategoryId, Grade } from './taxonomy.js';
import { AlnumToken, readAlnumToken } from './tokens.js';

/** JSON numbers shorter than this hold no identifier (the shortest, a mobile number, has 11
 *  digits; numeric.ts MIN_CANDIDATE_DIGITS). */
const SHORT_NUMBER = 11;

/** Longest token whose identity is checked (USCC is 18; DNA runs are read separately). */
const MAX_ID_TOKEN = 24;

/** An rsID waiting for genetic context from elsewhere in the request. */
export interface PendingRsid {
  readonly leafIndex: number;
  readonly start: number;
  readonly end: number;
}

export class LeafScanner implements ScanHost {
  private readonly numeric = new NumericScanner();
  private readonly tok = new AlnumToken();
  private readonly matches: Array<KeywordMatch<KeywordInfo>> = [];
  private out: Finding[] = [];
  leaf!: Leaf;
  private leafIndex = 0;
  today!: CivilDate;
  keyCategory: CategoryId | undefined;
  /** Category the field name already reported for the whole value; parts of it add nothing. */
  private fieldCategory: CategoryId | undefined;
  /** Where the last token read by token() ended, before any reader went further. */
  private tokEnd = 0;
  /** A FASTA record's header end (its '\n') and where its bases end; -1 when there is none. */
  private basesFrom = -1;
  private basesTo = -1;
  /** Where the last tab-separated table read in this value (tabTable) ended: its rows' tabs are
   *  read, so each line is read once however many rows open with a field's name. */
  private textTableEnd = -1;
  /** keywords.anchoredFirst when the walk can find the keywords of ASCII values itself. */
  private readonly wordStarts: Uint8Array | undefined;
  private readonly icds: Span[] = [];
  private readonly rsids: Span[] = [];
  private medicalParent!: (leaf: Leaf) => boolean;
  /** Asked only when an ICD-10 code needs support beyond its own value. */
  private readonly medicalField = (): boolean => this.keyCategory === HEALTH || this.medicalParent(this.leaf);
  /** Set when this leaf mentions genetics (a word, a genotype field, a sequence). */
  geneticContext = false;
  /** rsIDs the request-level pass confirms or drops. */
  readonly pendingRsids: PendingRsid[] = [];

  constructor(
    private readonly grades: ReadonlyMap<string, Grade>,
    private readonly keywords: KeywordAutomaton<KeywordInfo>,
    private readonly custom: CustomRules,
  ) {
    this.wordStarts = keywords.byWordStart ? keywords.anchoredFirst : undefined;
  }

  /** `medicalParent` says whether an object above the leaf is medical; asked only when needed. */
  scan(leaf: Leaf, leafIndex: number, today: CivilDate, out: Finding[], medicalParent: (leaf: Leaf) => boolean): void {
    const v = leaf.value;
    this.geneticContext = false;
    this.textTableEnd = -1;
    if (v.length === 0) return;
    const firstFinding = out.length;
    this.leaf = leaf;
    this.leafIndex = leafIndex;
    this.today = today;
    this.out = out;
    this.medicalParent = medicalParent;
    if (this.icds.length > 0) this.icds.length = 0;
    if (this.rsids.length > 0) this.rsids.length = 0;
    this.numeric.startLeaf(this);
    this.fieldCategory = undefined;
    let key = leaf.key === undefined ? undefined : lookupField(leaf.key) ?? heldField(leaf, v);
    // A product's name is not a person's; but a list of "items" may be people (payroll lines),
    // and a value that reads as a Han personal name is taken as one wherever it stands.
    if (key !== undefined && key.category === NAME && namesThing(leaf) && (!isPlainHanName(v) || namedByThing(leaf))) key = undefined;
    // A hotel's, a shop's or a company's address is the business's, not a person's.
    else if (key !== undefined && key.category === ADDRESS && addressOfBusiness(leaf)) key = undefined;
    this.keyCategory = key?.category;
    if (key !== undefined) {
      this.fieldCategory = fieldFindings(this, v, key.category, key.weight) ?? fieldIdentifier(this, v, key.category);
      if (key.category === GENETIC) this.geneticContext = true;
    } else if (leaf.key !== undefined && v.length <= 7 && isRsIdKey(leaf.key) && isGenotypeCall(v) && v.trim().length >= 2) {
      // {"rs4477212": "AA", "rs3094315": "AG"}: a genotype map keyed by rsID. A lone allele
      // ("rs485": "A") is left alone: it reads as much like a cable spec.
      this.emit(GENETIC, RULES.geneticField, 0, v.length, 0.85);
      this.fieldCategory = GENETIC;
    } else if (leaf.key !== undefined && ((v.length <= 6 && isPlainHanName(v)) || (v.length <= 20 && isDottedCjkName(v)) || (v.length <= 40 && mayBeLatinName(v)))) {
      // "userName": "张伟", "operatorName": "李娜", "owner": "Chen Jing" — a login, a display
      // name or an unknown "…Name" field that holds a plain Han name, or Latin words that read as
      // a person's name (a pinyin surname or a common given name: not "platform-team").
      const norm = normalizeFieldName(leaf.key);
      if ((isNameishKey(norm) || heldByName(leaf, norm)) && nameishKeyTakes(norm, v) && (isCjkCode(v.charCodeAt(0)) || isLatinPersonName(v.trim()))) {
        const end = v.trimEnd().length;
        this.emit(NAME, RULES.fieldName, v.length - v.trimStart().length, end, 0.6);
      }
    }
    if (key === undefined && isProse(v) && medicalParent(leaf) && isMedicalValue(v)) {
      // {"medical": {"notes": "…"}}: text under a medical object is medical, whatever its key.
      this.emit(HEALTH, RULES.healthField, 0, v.length, 0.75);
      this.fieldCategory = HEALTH;
    }
    if (this.custom.hasLeafRules && v.trim().length > 0) {
      for (const r of this.custom.leafRules(leaf.key, leaf.location)) this.emit(r.category, r.rule, 0, v.length, r.confidence);
    }
    // Most JSON numbers are counts, prices and durations: one under no dictionary key and
    // shorter than any identifier can be nothing by itself (a coordinate needs its sibling,
    // which the request-level pass pairs), so the walk is spared.
    if (key === undefined && leaf.isNumber === true && v.length < SHORT_NUMBER && !this.custom.hasPatterns) return;

    const ms = this.matches;
    if (ms.length > 0) ms.length = 0;
    this.walk(v);
    // The walk found the Latin keywords of an ASCII value; anything else takes the automaton.
    if (this.wordStarts === undefined || !isAscii(v)) {
      ms.length = 0;
      this.keywords.scan(v, ms);
    } else {
      orderByEnd(ms);
    }
    if (ms.length > 0 || this.icds.length > 0) {
      const context = applyKeywords(this, v, ms, this.icds, this.medicalField);
      if (context.has(GENETIC)) this.geneticContext = true;
    }
    this.numeric.finishLeaf(v);
    if (this.fieldCategory !== NAME && out.length > firstFinding) this.namesBesideNumbers(v, firstFinding);
    for (let k = 0; k < this.rsids.length; k++) {
      const r = this.rsids[k]!;
      // "rs485 driver" beside a DNA viewer: a serial standard is an rsID only with its call,
      // and a call after a space alone may be a word ("rs485 AC").
      const standard = SERIAL_STANDARDS.has(v.slice(r.start, r.end));
      const call = callAfter(v, r.end, !standard);
      const serial = call === undefined && standard;
      if ((this.geneticContext && !serial) || call !== undefined) this.emit(GENETIC, RULES.geneticRsid, r.start, r.end, 0.9);
      else if (!serial) this.pendingRsids.push({ leafIndex, start: r.start, end: r.end });
      if (call !== undefined) this.emit(GENETIC, RULES.geneticCall, call.start, call.end, 0.85);
    }
    if (this.custom.hasPatterns) this.customPatterns(v);
  }

  /** A Han name right before or after a phone, ID or card number the leaf holds, or before an email
   *  address (name.ts hanNameBeforeNumber, hanNameAfterNumber, hanNameBeforeEmail). */
  private namesBesideNumbers(v: string, first: number): void {
    const out = this.out;
    const end = out.length;
    for (let k = first; k < end; k++) {
      const f = out[k]!;
      if (f.category === EMAIL) {
        const named = f.start < 2 ? undefined : hanNameBeforeEmail(v, f.start);
        if (named !== undefined) this.emit(NAME, RULES.nameContext, named.start, named.end, 0.7);
        continue;
      }
      if (f.category !== PHONE && f.category !== ID_CARD && f.category !== MINOR && f.category !== BANK_CARD) continue;
      const before = f.start < 2 ? undefined : hanNameBeforeNumber(v, f.start, f.category === BANK_CARD);
      if (before !== undefined) this.emit(NAME, RULES.nameContext, before.start, before.end, 0.7);
      const after = hanNameAfterNumber(v, f.end);
      if (after !== undefined) this.emit(NAME, RULES.nameContext, after.start, after.end, 0.7);
    }
  }

  private nameBeforeDate(v: string, digitStart: number): void {
    const span = nameBeforeDate(v, digitStart);
    if (span !== undefined) this.emit(NAME, RULES.nameContext, span.start, span.end, 0.7);
  }

  /** Kept out of scan(): a closure there would cost every call a context allocation. */
  private customPatterns(v: string): void {
    this.custom.matchPatterns(v, (r, start, end) => this.emit(r.category, r.rule, start, end, r.confidence));
  }

  /** The one walk over the value: each candidate's reader returns where the walk resumes. For
   *  ASCII values it also finds the Latin keywords (see KeywordAutomaton.byWordStart): at each
   *  word start it passes, and over what a reader skipped beyond a token. */
  private walk(v: string): void {
    const n = v.length;
    const starts = this.wordStarts;
    this.basesFrom = -1;
    let i = 0;
    while (i < n) {
      const c = v.charCodeAt(i);
      if (c < 128) {
        const l = c | 32;
        if (l >= 97 && l <= 122) {
          if (starts !== undefined && starts[c] === 1 && (i === 0 || !isAsciiAlnum(v.charCodeAt(i - 1)))) this.keywords.wordAt(v, i, this.matches);
          // Plain words are most of the text: skip a short letter run that nothing identifier-
          // like (a digit, a full-width or invisible char) continues, without reading a token.
          let p = i + 1;
          while (p < n && ((v.charCodeAt(p) | 32) - 97) >>> 0 <= 25) p++;
          const next = p < n ? v.charCodeAt(p) : 0;
          if (p - i === 1 && next === 47 && (i === 0 || !isAsciiAlnum(v.charCodeAt(i - 1)))) {
            const end = this.ssrDocs(v, i);
            if (end > i) {
              i = end;
              continue;
            }
          }
          if (p - i === 1 && next === 60 && c === 80 && (i === 0 || !isAsciiAlnum(v.charCodeAt(i - 1)))) {
            const names = mrzNameAt(v, i);
            if (names !== undefined) {
              this.emit(NAME, RULES.nameContext, names.start, names.end, 0.9);
              i = names.end;
              continue;
            }
          }
          if (p - i < MIN_SEQUENCE_LINE && !(next >= 48 && next <= 57) && (next < 128 || !(isAlnumCode(next) || isInvisibleCode(next)))) {
            i = p;
            continue;
          }
          i = this.tokenAt(v, i);
          continue;
        }
        if (c >= 48 && c <= 57) {
          if (i > 2 && v.charCodeAt(i - 1) === 0x4e8e) this.nameBeforeDate(v, i);
          i = this.tokenAt(v, i);
          continue;
        }
        if (c === 64) {
          const end = this.email(v, i);
          if (starts !== undefined) this.wordsIn(v, i + 1, end);
          i = end;
          continue;
        }
        if (c === 58 || c === 61) this.label(v, i);
        else if (c === 9) this.tabLabel(v, i);
        else if (c === 62 && (i === 0 || v.charCodeAt(i - 1) === 10)) this.fasta(v, i);
        else if (c === 62) this.tagLabel(v, i);
        else if (c === 124 && i >= 3 && isHl7PersonSegment(v, i - 3)) this.hl7Segment(v, i - 3);
        else if (c === 124 && i >= this.textTableEnd && (i === 0 || v.charCodeAt(i - 1) === 10)) this.pipeTable(v, i);
        else if (c === 91 && (i === 0 || v.charCodeAt(i - 1) === 10)) this.bracketSpeaker(v, i);
        else if (c === 10 && i === this.basesFrom) {
          // A FASTA record's bases, taken whole by fasta(): the walk goes on after them.
          if (starts !== undefined) this.wordsIn(v, i + 1, this.basesTo);
          i = this.basesTo;
          continue;
        }
        i++;
      } else if (isAlnumCode(c)) {
        i = this.token(v, i);
      } else if (c === 0xff20) {
        i = this.email(v, i);
      } else {
        if (c === 0xff1a) this.label(v, i);
        else if (isProvinceCode(c)) {
          const end = this.plate(v, i);
          if (end > i) {
            i = end;
            continue;
          }
        }
        i++;
      }
    }
  }

  /** token(), then the keywords over whatever its readers took beyond the token itself (a
   *  wrapped sequence, a digit run's further groups, an ICD-10 code's decimals). */
  private tokenAt(v: string, i: number): number {
    const end = this.token(v, i);
    if (this.wordStarts !== undefined && end > this.tokEnd) this.wordsIn(v, this.tokEnd, end);
    return end;
  }

  /** Keywords at the word starts in v[from, to). */
  private wordsIn(v: string, from: number, to: number): void {
    const starts = this.wordStarts!;
    for (let p = from; p < to; p++) {
      const c = v.charCodeAt(p);
      if (c < 128 && starts[c] === 1 && (p === 0 || !isAsciiAlnum(v.charCodeAt(p - 1)))) this.keywords.wordAt(v, p, this.matches);
    }
  }

  emit(category: CategoryId, rule: string, start: number, end: number, confidence: number): void {
    // The whole value is already reported as this category; a part of it adds nothing.
    if (category === this.fieldCategory) return;
    // Under a reference key a number is a code; a point is still a point ("trace": ["36.02,120.46"]).
    if (this.keyCategory === REFERENCE && LOWERABLE_RULES.has(rule) && !(rule === RULES.locationPair && isPointArrayKey(this.leaf.key))) return;
    // The field's identifier took the whole value: a pattern inside its digits ("6201 0419 7907
    // 0388 4X" under identityNo starts with a Luhn-valid 16) is part of it, not another number.
    if (this.fieldCategory !== undefined && this.fieldCategory !== HEALTH && this.fieldCategory !== NAME && LOWERABLE_RULES.has(rule)) return;
    if (category === GENETIC) this.geneticContext = true;
    this.push(category, rule, start, end, confidence);
    if (category === NAME && end < this.leaf.value.length) {
      const other = otherScriptNameAfter(this.leaf.value, end, isCjkCode(this.leaf.value.charCodeAt(start)));
      if (other !== undefined) this.push(category, rule, other.start, other.end, confidence);
    }
  }

  private push(category: CategoryId, rule: string, start: number, end: number, confidence: number): void {
    this.out.push({
      category,
      grade: this.grades.get(category) ?? 'sensitive_pi',
      rule,
      location: this.leaf.location,
      leafIndex: this.leafIndex,
      start,
      end,
      confidence,
    });
  }

  support(category: CategoryId, v: string, start: number): Support {
    if (this.keyCategory === category) return 'field';
    return labelBefore(v, start)?.category === category ? 'context' : undefined;
  }

  /** An airline's DOCS element at `at`: the passport's number and the passenger's name. */
  private ssrDocs(v: string, at: number): number {
    const docs = ssrDocsAt(v, at);
    if (docs === undefined) return at;
    if (docs.type === 'P') this.emit(PASSPORT, RULES.passportContext, docs.number.start, docs.number.end, 0.95);
    this.emit(NAME, RULES.nameContext, docs.name.start, docs.name.end, 0.85);
    return docs.name.end;
  }

  /** A letter/digit token at i; all-digit tokens go to the numeric scan. Returns its end. */
  private token(v: string, i: number): number {
    const tok = this.tok;
    readAlnumToken(v, i, tok);
    this.tokEnd = tok.end;
    const len = tok.length;
    if (tok.letters === 0 || (tok.letters === 1 && tok.digits === 17 && isXCode(v.charCodeAt(tok.end - 1)))) {
      return this.numeric.scan(v, i);
    }
    if (tok.bases === len && len >= MIN_SEQUENCE_LINE) return this.sequence(v, tok.start, tok.end, len);
    const letters = tok.letters;
    const digits = tok.digits;
    if (letters === 4 && digits >= 11 && tok.ascii) {
      const from = iataContactMobileStart(v, tok.start, tok.end);
      if (from >= 0) {
        this.emit(PHONE, RULES.phoneContext, from, tok.end, 0.9);
        return tok.end;
      }
    }
    // "E116.4074", "N39.9042": a hemisphere letter before a coordinate. "E11.9" may as well be
    // an ICD-10 code, so that reading is kept too (it needs medical support to count).
    if (letters === 1 && digits <= 3 && isHemisphere(v.charCodeAt(tok.start)) && v.charCodeAt(tok.end) === 46 && isDigitCode(v.charCodeAt(tok.end + 1))) {
      const icdEnd = len === 3 && tok.leftOk && isIcd10(tok.folded()) ? this.icd(v, tok.start, tok.end) : tok.end;
      return Math.max(icdEnd, this.numeric.scan(v, tok.start + 1));
    }
    if (len >= 15 && len <= 34 && looksLikeIbanStart(v, tok.start) && tok.leftOk && tok.rightOk && isRegisteredIban(v.slice(tok.start, tok.end))) {
      this.emit(BANK_CARD, RULES.bankCardIban, tok.start, tok.end, 0.9);
      return tok.end;
    }
    if (len >= MRZ_NUMBER_RUN && tok.ascii && isMrzDocumentLine(v, tok.start, tok.end)) {
      // The second line of a passport's machine-readable zone: its number and check digit.
      this.emit(PASSPORT, RULES.passportContext, tok.start, tok.start + 9, 0.95);
      return tok.end;
    }
    // A school roll number is a letter and the pupil's ID number ("G110101201003071233").
    if (len === 19 && (letters === 1 || (letters === 2 && isXCode(v.charCodeAt(tok.end - 1)))) && tok.ascii && tok.leftOk && tok.rightOk && isAsciiUpperCode(v.charCodeAt(tok.start))) {
      const id = v.slice(tok.start + 1, tok.end).toUpperCase();
      if (this.numeric.idCardAt(id, tok.start + 1, tok.end, 0.9)) return tok.end;
    }
    if (len > MAX_ID_TOKEN) return tok.end;
    // Ordinary words reach none of the checks below, so their text is never folded.
    if (len === 3 && letters === 1 && digits === 2 && tok.leftOk && isIcd10(tok.folded())) return this.icd(v, tok.start, tok.end);
    if (!tok.leftOk || !tok.rightOk) return tok.end;
    if (len === 18) {
      const s = this.support(USCC, v, tok.start);
      const conf = tok.upper === letters || s !== undefined ? usccConfidence(tok.folded(), s !== undefined) : 0;
      if (conf > 0) this.emit(USCC, s !== undefined ? RULES.usccField : RULES.usccChecksum, tok.start, tok.end, conf);
    } else if (len === 17) {
      const label = this.keyCategory === VIN ? VIN : labelBefore(v, tok.start)?.category;
      const s: Support = this.keyCategory === VIN ? 'field' : label === VIN ? 'context' : undefined;
      // "配件编号 AC7L1X9U3HKH83WVL": a label naming a part or a reference, as its field would.
      const conf = label === REFERENCE ? 0 : vinConfidence(tok.folded(), letters, tok.upper, s !== undefined);
      if (conf > 0) this.emit(VIN, s !== undefined ? RULES.vinField : RULES.vinChecksum, tok.start, tok.end, conf);
    } else if (letters === 2 && digits >= 1 && (v.charCodeAt(tok.start) | 32) === 114 && isRsId(tok.folded()) && (v.charCodeAt(tok.start) === 114 || this.leaf.isKey === true)) {
      // Lower case as dbSNP writes them ("RS232", "RS256" and "RS485" are cables and
      // algorithms), but for a genotype map's keys.
      this.rsids.push({ start: tok.start, end: tok.end });
    } else if (len >= 6 && len <= 12 && digits >= 5) {
      // A passport label vouches for any passport shape; an ID label only for the Chinese
      // travel-document formats (the field may hold either document).
      const f = tok.folded();
      const label = labelBefore(v, tok.start)?.category;
      const k = label === PASSPORT ? passportConfidenceFactor(f) : label === ID_CARD && isChineseTravelDocument(f) ? 1 : 0;
      if (k > 0) this.emit(PASSPORT, RULES.passportContext, tok.start, tok.end, 0.9 * k);
    }
    return tok.end;
  }

  /** A run of bases, joined with the lines that follow it when the sequence is wrapped. */
  private sequence(v: string, start: number, end: number, bases: number): number {
    let total = bases;
    let last = end;
    let p = end;
    const tok = this.tok;
    for (;;) {
      while (p < v.length && (isSpaceCode(v.charCodeAt(p)) || v.charCodeAt(p) === 10 || v.charCodeAt(p) === 13)) p++;
      if (p >= v.length || !isAlnumCode(v.charCodeAt(p))) break;
      readAlnumToken(v, p, tok);
      if (tok.bases !== tok.length || tok.letters !== tok.length) break;
      total += tok.length;
      last = tok.end;
      p = tok.end;
      if (tok.length < MIN_SEQUENCE_LINE) break;
    }
    if (total < MIN_SEQUENCE || !mixedBases(v, start, last)) return end;
    this.emit(GENETIC, RULES.geneticSequence, start, last, 0.9);
    return last;
  }

  private fasta(v: string, i: number): void {
    const end = fastaEnd(v, i);
    if (end < 0) return;
    // The bases are the genetic data. The header line names the record (a sample, a run id, a
    // chromosome): the walk reads it as any other text, so what it holds is found or kept on
    // its own, and skips the bases when it reaches the header's end.
    this.basesFrom = v.indexOf('\n', i);
    this.basesTo = end;
    this.emit(GENETIC, RULES.geneticFasta, this.basesFrom + 1, end, 0.95);
  }

  /** An HL7 v2 segment about a person at s: the patient (PID-5 name, PID-11 address) or a next
   *  of kin (NK1-2 name, NK1-4 address), as hospital systems exchange them. Its numbers are
   *  found as anywhere; the name and the address have no label but their field's position. */
  private hl7Segment(v: string, s: number): void {
    const staff = HL7_STAFF_FIELDS.get(v.slice(s, s + 3));
    if (staff !== undefined) {
      // XCN: an ID, then the family and given names ("4714^周远伟", "4714^ZHOU^YUANWEI").
      for (const n of staff) {
        const field = hl7Field(v, s, n);
        const hat = field === undefined ? -1 : v.indexOf('^', field.start);
        if (field !== undefined && hat >= 0 && hat + 1 < field.end) this.hl7Name(v, hat + 1, field.end);
      }
      return;
    }
    const patient = v.charCodeAt(s) === 80;
    const nameField = hl7Field(v, s, patient ? 5 : 2);
    // "LUO^JUN^^^^^L~罗^军^^^^^^^^^^C": each repetition ('~') is the name in another script.
    for (let start = nameField?.start ?? -1; nameField !== undefined && start < nameField.end;) {
      const tilde = v.indexOf('~', start);
      const end = tilde >= 0 && tilde < nameField.end ? tilde : nameField.end;
      this.hl7Name(v, start, end);
      start = end + 1;
    }
    const addressField = hl7Field(v, s, patient ? 11 : 4);
    if (addressField !== undefined) {
      const text = v.slice(addressField.start, addressField.end).replace(/\^+/g, ' ').trim();
      if (addressConfidenceFactor(text) >= 1) this.emit(ADDRESS, RULES.addressContext, addressField.start, addressField.end, 0.85);
    }
  }

  /** An HL7 XPN name in [start, end): family name and given name, Han or Latin ("陈志远",
   *  "陈^志远", "ZHANG^WEI"). */
  private hl7Name(v: string, start: number, end: number): void {
    const familyEnd = componentEnd(v, start, end);
    const givenEnd = familyEnd < end ? componentEnd(v, familyEnd + 1, end) : familyEnd;
    const family = v.slice(start, familyEnd);
    const given = familyEnd < end ? v.slice(familyEnd + 1, givenEnd) : '';
    const han = isCjkCode(family.charCodeAt(0)) && (isPlainHanName(family + given) || isDottedCjkName(family + given));
    const latin = !han && /^[A-Za-z][A-Za-z' -]{0,30}$/.test(family) && /^[A-Za-z][A-Za-z' -]{0,30}$/.test(given);
    // With no given name ("周远伟^^^^Dr") the span stops before the caret: the components stay.
    if (han || latin) this.emit(NAME, RULES.nameContext, start, given === '' ? familyEnd : givenEnd, 0.85);
  }

  /** An ICD-10 code "M10" or "M10.9", kept until the keyword pass says whether it is medical. */
  private icd(v: string, start: number, end: number): number {
    let e = end;
    if (v.charCodeAt(e) === 46 && e + 1 < v.length && isAlnumCode(v.charCodeAt(e + 1))) {
      let p = e + 1;
      while (p < v.length && p - e <= 5 && isAlnumCode(v.charCodeAt(p))) p++;
      if (p - e - 1 > 4) return p;
      e = p;
    }
    if (e < v.length && (isAlnumCode(v.charCodeAt(e)) || (v.charCodeAt(e) === 46 && isDigitCode(v.charCodeAt(e + 1))))) return e;
    this.icds.push({ start, end: e });
    return e;
  }

  private plate(v: string, i: number): number {
    const span = matchPlateAt(v, i, this.keyCategory === PLATE);
    if (span === undefined) return -1;
    const s = this.support(PLATE, v, i);
    this.emit(PLATE, s !== undefined ? RULES.plateField : RULES.platePattern, span.start, span.end, s !== undefined ? 0.95 : 0.85);
    return span.end;
  }

  private email(v: string, at: number): number {
    let m = v.charCodeAt(at) === 64 ? matchEmailAt(v, at) : undefined;
    // Invisible or full-width characters where the address stopped (or a full-width '＠'): it
    // may be written to evade, so read it again with them folded away.
    if (m === undefined || isEvasionChar(v.charCodeAt(m.start - 1)) || isEvasionChar(v.charCodeAt(m.end))) {
      const folded = matchFoldedEmailAt(v, at);
      if (folded !== undefined && (m === undefined || (folded.start <= m.start && folded.end >= m.end))) m = folded;
    }
    if (m === undefined) {
      const mention = mentionedNameAt(v, at);
      if (mention === undefined) return at + 1;
      this.emit(NAME, RULES.nameContext, mention.start, mention.end, 0.75);
      return mention.end;
    }
    if (v.charCodeAt(m.start - 1) === 60) {
      // "Message-ID: <5f3a…@mail.example.cn>" names a message, not a mailbox.
      if (MESSAGE_ID_HEADER.test(v.slice(Math.max(0, m.start - 40), m.start - 1))) return m.end;
      // …and under a message-id key ({"headers": {"Message-ID": "<…@mail.example.cn>"}}).
      if (this.leaf.key !== undefined && MESSAGE_ID_KEYS.has(normalizeFieldName(this.leaf.key))) return m.end;
      // "From: Zhang Wei <zhang.wei@…>", "To: \"张伟\" <…>": the display name is the person's.
      const name = displayNameBefore(v, m.start - 1);
      if (name !== undefined) this.emit(NAME, RULES.nameContext, name.start, name.end, 0.8);
    }
    this.emit(EMAIL, RULES.emailPattern, m.start, m.end, this.keyCategory === EMAIL ? 0.98 : 0.9);
    return m.end;
  }

  /** A colon or '=' at k: if a name/address/passport/health/religion label precedes it, read
   *  the value after it. */
  private label(v: string, k: number): void {
    const match = labelAtColon(v, k);
    if (match !== undefined) {
      this.labelled(match, v, valueStartAfter(v, k), v.length);
      return;
    }
    const speaker = speakerBesideTime(v, k) ?? swiftPartyName(v, k);
    if (speaker !== undefined) this.emit(NAME, RULES.nameContext, speaker.start, speaker.end, 0.75);
  }

  /** A chat export's sender in brackets at a line's start ("[尹燕伟] 收到"). */
  private bracketSpeaker(v: string, open: number): void {
    const speaker = speakerInBrackets(v, open);
    if (speaker !== undefined) this.emit(NAME, RULES.nameContext, speaker.start, speaker.end, 0.75);
  }

  /** A line "key<TAB>value", as exports and key/value logs write them ("real_name\t田浩怡"): a
   *  key that opens its line and that a dictionary or a nameish reading knows names the value
   *  up to the line's end. A tab between table cells has another cell before it on its line. */
  private tabLabel(v: string, k: number): void {
    if (k < this.textTableEnd) return;
    const lineStart = nearLineStart(v, k, MAX_TAB_LABEL, 9);
    if (lineStart < 0 || k - lineStart < 2) return;
    const label = v.slice(lineStart, k).trim();
    if (label.length === 0 || label.includes(' ')) return;
    const match = lookupField(label) ?? nameishLabel(label);
    if (match === undefined) return;
    let from = k + 1;
    while (from < v.length && v.charCodeAt(from) === 9) from++;
    let end = v.indexOf('\n', from);
    if (end < 0) end = v.length;
    // More cells on the line: a table's header ("姓名\t银行账号\t金额" in an e-mail), not a key
    // and its value.
    if (v.lastIndexOf('\t', end) >= from) {
      this.tabTable(v, lineStart, end);
      return;
    }
    this.labelled(match, v, from, end);
  }

  /** A tab-separated table inside text, its header line at [start, end): each cell of the rows
   *  below it, up to a line of another width, is read as its column's label says. */
  private tabTable(v: string, start: number, end: number): void {
    const header = v.slice(start, end).replace(/\r$/, '').split('\t');
    const columns = header.map((cell) => {
      const label = cell.trim();
      return label.length === 0 || label.length > MAX_TAB_LABEL ? undefined : lookupField(label) ?? nameishLabel(label);
    });
    let row = end + 1;
    for (let n = 0; n < MAX_TEXT_TABLE_ROWS && row < v.length; n++) {
      let rowEnd = v.indexOf('\n', row);
      if (rowEnd < 0) rowEnd = v.length;
      let cell = row;
      let c = 0;
      const cells: Array<[number, number]> = [];
      for (let p = row; p <= rowEnd; p++) {
        if (p === rowEnd || v.charCodeAt(p) === 9) {
          cells.push([cell, p > cell && v.charCodeAt(p - 1) === 13 ? p - 1 : p]);
          cell = p + 1;
          c++;
        }
      }
      if (c !== header.length) break;
      for (let i = 0; i < c; i++) {
        const column = columns[i];
        if (column !== undefined && cells[i]![1] > cells[i]![0]) this.labelled(column, v, cells[i]![0], cells[i]![1]);
      }
      row = rowEnd + 1;
    }
    this.textTableEnd = row;
  }

  /** A Markdown table inside text ("| 姓名 | 护照号 |" over "|---|---|"), its header line at
   *  `start`: each cell of the rows below it, up to a line that is no row of as many cells, is
   *  read as its column's label says. */
  private pipeTable(v: string, start: number): void {
    const headerEnd = lineEndAt(v, start);
    const rule = nextLineAt(v, start);
    if (rule >= v.length || v.charCodeAt(rule) !== 124) return;
    const header = pipeCells(v, start, headerEnd);
    const ruleCells = pipeCells(v, rule, lineEndAt(v, rule));
    if (header.length < 2 || ruleCells.length !== header.length || !ruleCells.every(([a, b]) => /^\s*:?-{3,}:?\s*$/.test(v.slice(a, b)))) return;
    const columns = header.map(([a, b]) => {
      const label = v.slice(a, b).trim();
      return label.length === 0 || label.length > MAX_TAB_LABEL ? undefined : lookupField(label) ?? nameishLabel(label);
    });
    let row = nextLineAt(v, rule);
    for (let n = 0; n < MAX_TEXT_TABLE_ROWS && row < v.length && v.charCodeAt(row) === 124; n++) {
      const rowEnd = lineEndAt(v, row);
      const cells = pipeCells(v, row, rowEnd);
      if (cells.length !== header.length) break;
      for (let i = 0; i < cells.length; i++) {
        const column = columns[i];
        let [a, b] = cells[i]!;
        while (a < b && v.charCodeAt(a) === 32) a++;
        while (b > a && v.charCodeAt(b - 1) === 32) b--;
        if (column !== undefined && b > a) this.labelled(column, v, a, b);
      }
      row = nextLineAt(v, row);
    }
    this.textTableEnd = row;
  }

  /** The '>' at k may close an XML start tag whose element name is a field ("<mobile>138…</mobile>",
   *  "<ns:name lang="zh">张三</ns:name>"): its text, up to the next '<', is read as a label's value. */
  private tagLabel(v: string, k: number): void {
    if (v.charCodeAt(k - 1) === 47) return; // "<br/>": no text
    // Both searches are bounded: text full of '>' must not cost a scan of the value each.
    let open = k - 1;
    while (open >= 0 && k - open <= MAX_START_TAG && v.charCodeAt(open) !== 60) {
      if (v.charCodeAt(open) === 62) return;
      open--;
    }
    if (open < 0 || v.charCodeAt(open) !== 60) return;
    let p = open + 1;
    while (p < k && isTagNameCode(v.charCodeAt(p))) p++;
    // Closing tags, declarations and comments have no name here.
    if (p === open + 1 || (p < k && v.charCodeAt(p) !== 32 && v.charCodeAt(p) !== 9 && v.charCodeAt(p) !== 10)) return;
    const name = v.slice(open + 1, p);
    const field = name.slice(name.lastIndexOf(':') + 1);
    // Feishu's mention, "<at user_id=\"ou_…\">李宇轩</at>": the element's text is who is mentioned.
    let match = lookupField(field) ?? (field === 'at' ? MENTION_ELEMENT : undefined);
    // A cell after a label cell; header cells (<th>) are labels themselves.
    const cell = match === undefined && name.toLowerCase() !== 'th' ? labelCellBefore(v, open) : undefined;
    match ??= cell;
    let from = k + 1;
    let end = from;
    // The text of "<name><![CDATA[张三]]></name>", as WeChat Pay and other XML APIs write every value.
    if (v.startsWith('<![CDATA[', from)) {
      from += 9;
      end = v.indexOf(']]>', from);
      if (end < 0 || end - from > MAX_ELEMENT_TEXT) return;
    } else {
      const limit = Math.min(v.length, from + MAX_ELEMENT_TEXT);
      while (end < limit && v.charCodeAt(end) !== 60) end++;
      if (end >= limit) return;
    }
    if (match === undefined) {
      // "<true_name>", "<operator>", ISO 20022's "<Nm>": a plain Han name or a Latin person's
      // name under a "…name" or login element, as under the same JSON key (scan()).
      if (end - from <= 40 && isNameishKey(normalizeFieldName(field))) {
        const text = v.slice(from, end);
        if ((text.length <= 6 && isPlainHanName(text)) || (mayBeLatinName(text) && isLatinPersonName(text.trim()))) {
          this.emit(NAME, RULES.nameContext, from, from + text.trimEnd().length, 0.6);
        }
      }
      return;
    }
    if (cell !== undefined) {
      // A row of labels ("<td>Name</td><td>Phone</td>") holds no values; and a name in a cell
      // must read as a surname and given name, as under a role word.
      const text = v.slice(from, end).trim();
      if (text.length === 0 || (mayBeField(text, 0, text.length) && lookupField(text) !== undefined)) return;
      match = { category: cell.category, weight: Math.min(cell.weight, ROLE_WEIGHT) };
    }
    // "<GivenName>Jiaxue</GivenName><Surname>Zhu</Surname>": a part of a name is one word.
    this.labelled(match, v, from, end, cell === undefined && namesPartOfName(field));
  }

  /** A value a label names, from `from`, read no further than `limit`; `namePart` when the label
   *  names a part of a name, which one Latin word may fill. */
  private labelled(match: FieldMatch, v: string, from: number, limit: number, namePart = false): void {
    const category = match.category;
    if (category === this.fieldCategory) return;
    if (isSplittableIdentifier(category)) {
      // "身份证号：1101 0519 4912 3100 2X": read as its field would be, however it is split.
      const to = Math.min(identifierRunEnd(v, from, category), limit);
      const found = to > from ? fieldIdentifier(this, v, category, { start: from, end: to }) : undefined;
      // "证件号码：G-3524 7988": a document-number label over a passport's number.
      if (found === undefined && category === ID_CARD) this.splitTravelDocument(v, from, limit);
      return;
    }
    let span: Span | undefined;
    if (category === NAME) span = nameSpanAfter(v, from);
    else if (category === ADDRESS) span = addressSpanAfter(v, from);
    else if (category === PASSPORT) span = documentSpanAfter(v, from);
    else if (category === HEALTH || category === RELIGION) span = labelClause(v, from);
    if (span === undefined) {
      if (category === PASSPORT) this.splitTravelDocument(v, from, limit);
      return;
    }
    if (span.end > limit) span = { start: span.start, end: limit };
    if (span.end <= span.start) return;
    const text = v.slice(span.start, span.end);
    let conf = 0;
    let rule: string = RULES.contextLabel;
    if (category === NAME) {
      const name = joinCjkRuns(text);
      conf = 0.85 * nameFactorFor(match.weight, name);
      // After a role's label ("Patient: Female", "Guest: Marriott Bonvoy"), Latin words must
      // read as a person's name, as under a bare "name". Not in nameFactorFor: the name-part
      // fields share the role weight, and "firstName": "Shuang" is one word.
      if (match.weight <= ROLE_WEIGHT && !namePart && !isCjkCode(name.charCodeAt(0)) && !isLatinPersonName(name.trim())) conf = 0;
    }
    else if (category === ADDRESS) conf = 0.8 * addressConfidenceFactor(text);
    else if (category === PASSPORT) {
      conf = 0.9 * passportConfidenceFactor(text);
      rule = RULES.passportContext;
      if (conf <= 0) {
        this.splitTravelDocument(v, from, limit);
        return;
      }
    } else {
      conf = isMedicalValue(text) ? 0.85 : 0;
      rule = category === HEALTH ? RULES.healthSection : RULES.religionKeyword;
    }
    if (conf > 0) this.emit(category, rule, span.start, span.end, conf);
  }

  /** After a passport label, no unbroken number: maybe a Chinese one split or written to evade. */
  private splitTravelDocument(v: string, from: number, limit: number): void {
    const span = labelledTravelDocument(v, from, limit);
    if (span !== undefined) this.emit(PASSPORT, RULES.passportContext, span.start, span.end, 0.9);
  }
}

/** Whether a run of bases holds three of them at least: "AAAA…" is base64 padding or filler,
 *  where any stretch of DNA has its mix. */
function mixedBases(v: string, start: number, end: number): boolean {
  let seen = 0;
  for (let i = start; i < end; i++) {
    const c = v.charCodeAt(i) | 32;
    seen |= c === 97 ? 1 : c === 99 ? 2 : c === 103 ? 4 : c === 116 || c === 117 ? 8 : 0;
    if (seen === 7 || seen === 11 || seen === 13 || seen === 14 || seen === 15) return true;
  }
  return false;
}

/** Document number, check digit, nationality, birth date and check, sex, expiry and check. */
const MRZ_NUMBER_RUN = 28;
const MRZ_LINE2 = /^[A-Z0-9]{9}\d[A-Z]{3}\d{7}[MFX]\d{7}/;

/** ICAO 9303 line 2 of a passport, with the check digits of its number, birth and expiry. */
function isMrzDocumentLine(v: string, start: number, end: number): boolean {
  const line = v.slice(start, Math.min(end, start + 28));
  if (!MRZ_LINE2.test(line)) return false;
  return mrzCheck(line, 0, 9) && mrzCheck(line, 13, 6) && mrzCheck(line, 21, 6) && /[A-Z]/.test(line.slice(0, 9)) && /\d{6}/.test(line.slice(1, 9));
}

const MRZ_WEIGHTS = [7, 3, 1];

function mrzCheck(s: string, from: number, n: number): boolean {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(from + i);
    const value = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : 0;
    sum += value * MRZ_WEIGHTS[i % 3]!;
  }
  return sum % 10 === s.charCodeAt(from + n) - 48;
}

/** "rs4244285=GA", "rs1801133: C/T" in a log line: the genotype written right after the marker;
 *  after a space alone when `spaceEnough` (not for a serial standard's name: "rs485 AC"). */
function callAfter(v: string, end: number, spaceEnough: boolean): Span | undefined {
  let p = end;
  const spaced = p < v.length && v.charCodeAt(p) === 32;
  if (spaced) p++;
  const sep = v.charCodeAt(p);
  // "rs123=AG", "rs123: A/G", or in brackets as reports and prose write it: "rs123(AG)", "rs123 (C/T)".
  // A lab's result lines put the call after a space alone ("rs904 A/G; rs2497 CT"): then it must
  // be two alleles in capitals, as a report prints them, not a word ("rs232 cable").
  const close = sep === 40 ? 41 : sep === 0xff08 ? 0xff09 : sep === 61 || sep === 58 || sep === 0xff1a ? -1 : spaced && spaceEnough ? -2 : 0;
  if (close === 0) return undefined;
  if (close !== -2) {
    p++;
    if (p < v.length && v.charCodeAt(p) === 32) p++;
  }
  let q = p;
  while (q < v.length && q - p < 5 && /[ACGTacgt/|]/.test(v[q]!)) q++;
  if (q === p || (q < v.length && /[\w]/.test(v[q]!)) || !isGenotypeCall(v.slice(p, q))) return undefined;
  if (close > 0 && v.charCodeAt(q) !== close) return undefined;
  if (close === -2 && (!/^[ACGT](?:[/|]?[ACGT])$/.test(v.slice(p, q)) || !endsListItem(v, q))) return undefined;
  return { start: p, end: q };
}

/** A list item ends at v[q]: the value's end, a line's, or a separator ("rs904 A/G; rs12 CT"). */
function endsListItem(v: string, q: number): boolean {
  if (q >= v.length) return true;
  const c = v.charCodeAt(q);
  return c === 10 || c === 13 || c === 9 || c === 59 || c === 44 || c === 0xff1b || c === 0xff0c || c === 0x3001 || c === 0x3002;
}

/** Longest start tag read back from its '>' (name and attributes), and longest element text
 *  read as a field's value (an address is the longest such value). */
const MAX_START_TAG = 256;
const MAX_ELEMENT_TEXT = 256;

/** "<td>姓名</td><td>王建国</td>", "<dt>手机</dt><dd>138…</dd>": the element that closes right
 *  before the start tag at `open` holds only a field's name, which then labels this element. */
function labelCellBefore(v: string, open: number): FieldMatch | undefined {
  let p = open;
  while (p > 0 && isSpaceCode(v.charCodeAt(p - 1))) p--;
  if (p === 0 || v.charCodeAt(p - 1) !== 62) return undefined;
  // The closing tag "</td>" before it.
  let q = p - 1;
  const tagFloor = Math.max(0, q - MAX_CLOSING_TAG);
  while (q > tagFloor && v.charCodeAt(q) !== 60) q--;
  if (v.charCodeAt(q) !== 60 || v.charCodeAt(q + 1) !== 47) return undefined;
  // Its text, back to the '>' of its own start tag.
  let t = q;
  const textFloor = Math.max(0, q - MAX_CELL_LABEL);
  while (t > textFloor && v.charCodeAt(t - 1) !== 62 && v.charCodeAt(t - 1) !== 60) t--;
  if (t === 0 || v.charCodeAt(t - 1) !== 62 || t === q) return undefined;
  const text = v.slice(t, q).trim();
  return text.length > 0 && mayBeField(text, 0, text.length) ? lookupField(text) : undefined;
}
const MAX_CLOSING_TAG = 32;
const MAX_CELL_LABEL = 40;

/** Letters, digits, '_', '-', '.', ':' and Han, as element names have. */
function isTagNameCode(c: number): boolean {
  return isAsciiAlnum(c) || c === 95 || c === 45 || c === 46 || c === 58 || isCjkCode(c);
}

/** Where the line at p ends: its '\n', its "\r\n", or the value's end. */
function lineEndAt(v: string, p: number): number {
  const lf = v.indexOf('\n', p);
  const end = lf < 0 ? v.length : lf;
  return end > p && v.charCodeAt(end - 1) === 13 ? end - 1 : end;
}

/** Where the line after the one at p starts (the value's end when there is none). */
function nextLineAt(v: string, p: number): number {
  const lf = v.indexOf('\n', p);
  return lf < 0 ? v.length : lf + 1;
}

/** The cells of a Markdown table row in [start, end): the spans between its pipes, the line
 *  opening with one and maybe closing with one. */
function pipeCells(v: string, start: number, end: number): Array<[number, number]> {
  const cells: Array<[number, number]> = [];
  let from = start + 1;
  for (let p = from; p <= end; p++) {
    if (p === end || v.charCodeAt(p) === 124) {
      if (p < end || p > from) cells.push([from, p]);
      from = p + 1;
    }
  }
  return cells;
}

/** "PID|", "NK1|" or a segment naming clinicians (HL7_STAFF_FIELDS) opening a line at s. */
function isHl7PersonSegment(v: string, s: number): boolean {
  if (s > 0 && v.charCodeAt(s - 1) !== 10 && v.charCodeAt(s - 1) !== 13) return false;
  return v.startsWith('PID', s) || v.startsWith('NK1', s) || HL7_STAFF_FIELDS.has(v.slice(s, s + 3));
}

/** The XCN fields that name clinicians: PV1's attending, referring, consulting and admitting
 *  doctors, ORC's enterer, verifier and ordering provider, OBR's ordering provider. */
const HL7_STAFF_FIELDS: ReadonlyMap<string, readonly number[]> = new Map([
  ['PV1', [7, 8, 9, 17]], ['ORC', [10, 11, 12]], ['OBR', [16]],
]);

/** Field n of the HL7 segment at s (after its n-th '|'), up to the next '|' or the line's end;
 *  undefined when the segment is shorter or the field empty. */
function hl7Field(v: string, s: number, n: number): Span | undefined {
  let p = s + 3;
  for (let k = 0; k < n; k++) {
    while (p < v.length && v.charCodeAt(p) !== 124 && v.charCodeAt(p) !== 13 && v.charCodeAt(p) !== 10) p++;
    if (p >= v.length || v.charCodeAt(p) !== 124) return undefined;
    p++;
  }
  let end = p;
  while (end < v.length && end - p < MAX_HL7_FIELD && v.charCodeAt(end) !== 124 && v.charCodeAt(end) !== 13 && v.charCodeAt(end) !== 10) end++;
  return end > p && end - p < MAX_HL7_FIELD ? { start: p, end } : undefined;
}
const MAX_HL7_FIELD = 200;

/** Where the HL7 component starting at p ends ('^', or the field's end). */
function componentEnd(v: string, p: number, fieldEnd: number): number {
  const hat = v.indexOf('^', p);
  return hat >= 0 && hat < fieldEnd ? hat : fieldEnd;
}

function isRsIdKey(key: string): boolean {
  return key.length >= 3 && key.length <= 12 && (key.charCodeAt(0) | 32) === 114 && (key.charCodeAt(1) | 32) === 115 && isRsId(key.toUpperCase());
}

/** A bare "name" member of an object that names a thing (a product, an item, a company): the
 *  nearest named ancestor in the location decides, array indexes skipped. */
function namesThing(leaf: Leaf): boolean {
  if (normalizeFieldName(leaf.key!) !== 'name') return false;
  const parent = namedParent(leaf.location);
  return parent !== undefined && isThingParent(normalizeFieldName(parent));
}

/** An address held by a business (name.ts isBusinessParent). */
function addressOfBusiness(leaf: Leaf): boolean {
  const parent = namedParent(leaf.location);
  return parent !== undefined && isBusinessParent(normalizeFieldName(parent));
}

/** A "name" whose holder is never a person (name.ts isNeverPersonParent). */
function namedByThing(leaf: Leaf): boolean {
  const parent = namedParent(leaf.location);
  return parent !== undefined && isNeverPersonParent(normalizeFieldName(parent));
}

/** Keys of the parts of a structured name: FHIR's HumanName ({"name": [{"text": "丁敏"}]}),
 *  {"name": {"value": …, "zh": …}}, and a name in its scripts ({"legalName": {"local": "李娜",
 *  "latin": "LI NA"}}). */
const STRUCTURED_NAME_KEYS = new Set([
  'text', 'value', 'display', 'full', 'zh', 'cn', 'n', 'en', 'local', 'latin', 'native', 'pinyin', 'romanized',
  'romanised', 'localized', 'chinese', 'english',
  // SCIM's {"name": {"formatted": "Wang Tingmin", "givenName": …}}; OCR's {"姓名": {"words": …}}.
  'formatted', 'words',
]);

/** A plain Han name in a part of an object a name field or a person's role holds
 *  ({"rider": {"n": "孟皓钰", "m": "86…"}}; the caller checked the value). */
function heldByName(leaf: Leaf, norm: string): boolean {
  if (!STRUCTURED_NAME_KEYS.has(norm)) return false;
  const parent = namedParent(leaf.location);
  return parent !== undefined && (lookupField(parent)?.category === NAME || isNameishKey(normalizeFieldName(parent)));
}

const SERIAL_STANDARDS = new Set(['rs232', 'rs422', 'rs423', 'rs485']);

/** A mention's text counts only when it reads as a name, as under a role's label. */
const MENTION_ELEMENT: FieldMatch = Object.freeze({ category: NAME, weight: ROLE_WEIGHT });

const MESSAGE_ID_HEADER = /(?:^|\n)\s*(?:message-id|in-reply-to|references|content-id|x-message-id)\s*:\s*(?:<[^<>\n]*>\s*)*$/i;

/** The display name before an address in angle brackets (`lt` is the '<'), quoted or not,
 *  when it reads as a person's: a plain Han name or Latin words with a surname or given name. */
function displayNameBefore(v: string, lt: number): Span | undefined {
  let end = lt;
  while (end > 0 && v.charCodeAt(end - 1) === 32) end--;
  let start = end;
  if (v.charCodeAt(end - 1) === 34) {
    start = v.lastIndexOf('"', end - 2);
    if (start < 0 || end - start > 42) return undefined;
    start++;
    end--;
  } else {
    while (start > 0 && end - start <= 40 && !DISPLAY_NAME_STOPS.has(v.charCodeAt(start - 1))) start--;
  }
  while (start < end && v.charCodeAt(start) === 32) start++;
  const text = v.slice(start, end).trimEnd();
  if (text.length < 2 || text.length > 40) return undefined;
  return isPlainHanName(text) || isDottedCjkName(text) || (text.charCodeAt(0) < 128 && isLatinPersonName(text)) ? { start, end: start + text.length } : undefined;
}
const DISPLAY_NAME_STOPS = new Set([...':：,，;；\n\r\t<>'].map((c) => c.charCodeAt(0)));

/** A capital first and a space later, as a Latin name is written ("Chen Jing", "LIU Yang"):
 *  the cheap test before the key and the name lists are asked. */
function mayBeLatinName(v: string): boolean {
  const c = v.charCodeAt(0);
  // "Zhang Wei", and "SUN/CHUNMEI" as airline records write a passenger.
  return c >= 65 && c <= 90 && (v.indexOf(' ') > 0 || v.indexOf('/') > 0);
}

/** Identifiers whose value is checked whatever field holds it, so a holder key may borrow the
 *  field of its object; and bank accounts, whose own field says what they are (heldField).
 *  Names, addresses and free text are not: "value" under "name" is too often a product's or a
 *  setting's. */
const HELD_CATEGORIES: ReadonlySet<CategoryId> = new Set([PASSPORT, ID_CARD, PHONE, USCC, VIN, BANK_CARD]);
const MAX_PART_KEY = 16;
/** Mail headers that hold message ids, normalised ("Message-ID", "In-Reply-To"). */
const MESSAGE_ID_KEYS: ReadonlySet<string> = new Set(['messageid', 'inreplyto', 'references', 'msgid']);
const MAX_TAB_LABEL = 40;
const MAX_TEXT_TABLE_ROWS = 10_000;

/** {"passport": {"number": "E12345678"}}: a value under a holder key ("number", "value", "no")
 *  is read with the field of the object that holds it; so is a part of an address or of a
 *  biometric template (fields.ts partOf). */
function heldField(leaf: Leaf, v: string): FieldMatch | undefined {
  const key = leaf.key!;
  if (isHolderKey(key)) {
    const parent = namedParent(leaf.location);
    const field = parent === undefined ? undefined : lookupField(parent);
    if (field === undefined || !HELD_CATEGORIES.has(field.category)) return undefined;
    // A bare "card" is a member's, a gift's or a SIM's as often as a bank's: a Luhn-failing
    // number under it stays a code. {"bankAccount": {"no": …}} is an account.
    return field.category === BANK_CARD && normalizeFieldName(parent!) === 'card' ? undefined : field;
  }
  if (key.length > MAX_PART_KEY) return undefined;
  const norm = normalizeFieldName(key);
  if (!isPartKey(norm)) return undefined;
  // An array's element ("/name/0/given/0") is held by what holds the array, not by the array.
  const index = leaf.location.lastIndexOf('/');
  const element = index >= 0 && /^\d+$/.test(leaf.location.slice(index + 1));
  const parent = namedParent(element ? leaf.location.slice(0, index) : leaf.location);
  const part = parent === undefined ? undefined : partOf(norm, parent);
  // An address's part says nothing alone: only a value with an address's markers is one.
  return part?.category === ADDRESS && addressConfidenceFactor(v) < 1 ? undefined : part;
}

/** The pointer token of the nearest named container above the value at `location`, array
 *  indexes skipped: "/passports/0/number" → "passports". */
function namedParent(location: string): string | undefined {
  let end = location.lastIndexOf('/');
  while (end > 0) {
    const start = location.lastIndexOf('/', end - 1);
    if (start < 0) return undefined;
    const segment = location.slice(start + 1, end);
    if (!/^\d+$/.test(segment)) return segment;
    end = start;
  }
  return undefined;
}

/** The clause after a health or religion label (a function of its own: the closure would
 *  cost label() a context allocation on every colon). */
function labelClause(v: string, from: number): Span {
  return clauseSpan(v, from, from, true, (a, b) => isMedicalLabel(v, a, b));
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) - 97) >>> 0 <= 25;
}

function isAscii(v: string): boolean {
  for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) >= 128) return false;
  return true;
}

/** Country letters and two check digits ("DE89…"), before any string is built. */
function looksLikeIbanStart(v: string, i: number): boolean {
  const a = v.charCodeAt(i);
  const b = v.charCodeAt(i + 1);
  return a >= 65 && a <= 90 && b >= 65 && b <= 90 && isDigitCode(v.charCodeAt(i + 2)) && isDigitCode(v.charCodeAt(i + 3));
}

function isHemisphere(c: number): boolean {
  return c === 78 || c === 69 || c === 83 || c === 87;
}

/** Words rather than a code, number or date: two Han characters or two Latin words at least. */
function isProse(v: string): boolean {
  if (v.length < 2 || v.length > 4096) return false;
  let han = 0;
  let words = 0;
  let inWord = false;
  for (let i = 0; i < v.length && han < 2 && words < 2; i++) {
    const c = v.charCodeAt(i);
    if (c >= 0x4e00 && c <= 0x9fff) han++;
    const l = c | 32;
    const letter = l >= 97 && l <= 122;
    if (letter && !inWord) words++;
    inWord = letter;
  }
  return han >= 2 || (words >= 2 && v.includes(' '));
}

/** A character an address written to evade detection carries (NaN, past either end, is not). */
function isEvasionChar(c: number): boolean {
  return isInvisibleCode(c) || isFullwidthAscii(c);
}
