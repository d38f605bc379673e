/**
 * Generators of identifiers that pass the product's own validation (GB 11643 check char, Luhn,
 * mainland mobile shape, practical e-mail), and of the written forms the product claims to see
 * through (full-width chars, invisible chars, the usual groupings). `digits` is what must never
 * leave: the identifier as ASCII, whatever form it was written in.
 */
import fc from 'fast-check';

export interface Identifier {
  readonly category: 'id_card' | 'bank_card' | 'phone' | 'email';
  /** ASCII digits (and the ID's 'X'), or the address for e-mail. */
  readonly digits: string;
  /** How it is written in the body. */
  readonly written: string;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return '10X98765432'[sum % 11]!;
}

export function luhnCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

const digitString = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });

// Real county codes from several provinces, including one whose check char often is X.
const REGIONS = ['110105', '310104', '440305', '510107', '330106', '420102', '650102', '460105', '540102', '370202', '210102'];
const idCard = fc
  .record({
    region: fc.constantFrom(...REGIONS),
    y: fc.integer({ min: 1930, max: 2015 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
    seq: digitString(3),
  })
  .map(({ region, y, m, d, seq }) => {
    const first = `${region}${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${seq}`;
    return first + idCheckChar(first);
  });

// 16 and 19 digits: an 18-digit 62… number also reads as a Gansu ID and then needs a label.
const bankCard = fc
  .tuple(fc.constantFrom('622202', '621700', '622848', '623668', '436742', '524091', '356833'), fc.constantFrom(16, 19))
  .chain(([prefix, len]) => digitString(len - prefix.length - 1).map((mid) => prefix + mid + luhnCheckDigit(prefix + mid)));

const phone = fc.tuple(fc.constantFrom('13', '14', '15', '16', '17', '18', '19'), digitString(9)).map(([a, b]) => a + b);

const LOCAL = 'abcdefghijklmnopqrstuvwxyz0123456789';
const email = fc
  .record({
    user: fc.string({ unit: fc.constantFrom(...LOCAL), minLength: 1, maxLength: 12 }),
    tag: fc.option(fc.string({ unit: fc.constantFrom(...LOCAL), minLength: 1, maxLength: 5 }), { nil: undefined }),
    sep: fc.constantFrom('.', '_', '+', '-'),
    host: fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), minLength: 2, maxLength: 10 }),
    tld: fc.constantFrom('com', 'cn', 'net', 'org', 'com.cn', 'io', 'de'),
  })
  .map(({ user, tag, sep, host, tld }) => (tag === undefined ? user : `${user}${sep}${tag}`) + `@${host}.${tld}`);

const INVISIBLE = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad'];

function fullWidth(c: string): string {
  const code = c.charCodeAt(0);
  return code >= 0x21 && code <= 0x7e ? String.fromCharCode(code - 0x21 + 0xff01) : c;
}

/** The numeric forms the classifier folds: groups joined by one separator kind, full-width
 *  chars, invisible chars between digits. */
function evadeNumber(value: string, groups: readonly number[] | null, seps: readonly string[] = [' ', '-', '\u3000']): fc.Arbitrary<string> {
  return fc
    .record({
      grouped: fc.boolean(),
      sep: fc.constantFrom(...seps),
      fw: fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
      fwOn: fc.boolean(),
      inv: fc.array(fc.nat({ max: 12 }), { minLength: 1, maxLength: 6 }),
      invOn: fc.boolean(),
    })
    .map(({ grouped, sep, fw, fwOn, inv, invOn }) => {
      const cuts = new Set<number>();
      if (grouped && groups) {
        let at = 0;
        for (const g of groups.slice(0, -1)) cuts.add((at += g));
      }
      let out = '';
      for (let i = 0; i < value.length; i++) {
        if (cuts.has(i)) out += sep;
        else if (i > 0 && invOn && inv[i % inv.length]! < INVISIBLE.length) out += INVISIBLE[inv[i % inv.length]!];
        out += fwOn && fw[i % fw.length] ? fullWidth(value[i]!) : value[i]!;
      }
      return out;
    });
}

function cardGroups(len: number): number[] {
  const g = Array<number>(Math.floor(len / 4)).fill(4);
  if (len % 4) g.push(len % 4);
  return g;
}

export const identifierArb: fc.Arbitrary<Identifier> = fc.oneof(
  idCard.chain((d) => evadeNumber(d, [6, 8, 4]).map((written) => ({ category: 'id_card' as const, digits: d, written }))),
  bankCard.chain((d) => evadeNumber(d, cardGroups(d.length)).map((written) => ({ category: 'bank_card' as const, digits: d, written }))),
  phone.chain((d) =>
    fc
      // A dotted phone ("138.1234.5678") is a claimed form too; dotted IDs and cards are not.
      .tuple(evadeNumber(d, [3, 4, 4], [' ', '-', '\u3000', '.']), fc.constantFrom('', '+86 ', '+86', '0086 '))
      .map(([w, cc]) => ({ category: 'phone' as const, digits: d, written: cc + w })),
  ),
  email.map((e) => ({ category: 'email' as const, digits: e, written: e })),
);

/** Text around an identifier: Han, Latin words, spaces and punctuation, never a digit or a char
 *  that would glue onto the identifier (a letter, '.', '-', '@' next to it make it another token). */
export const fillerArb = fc.string({
  unit: fc.constantFrom(...'的了在是我有和就人都一个上也很到说要去你会着没看好自己这么那里来 ，。！？、abc xyz hello world ;:/()[]"\'#$&*'),
  maxLength: 24,
});
const BOUNDARY = [' ', '，', '：', ':', '(', ')', '。', '\n', '\t', '见', '是', '"', '/', ';', '、'];
export const boundaryArb = fc.constantFrom(...BOUNDARY);

/** An identifier alone, or inside free text. */
export const plantedArb = fc
  .record({ id: identifierArb, inText: fc.boolean(), pre: fillerArb, b1: boundaryArb, b2: boundaryArb, post: fillerArb })
  .map(({ id, inText, pre, b1, b2, post }) => ({ id, text: inText ? `${pre}${b1}${id.written}${b2}${post}` : id.written }));

/** What a reader sees once the evasions are undone: full-width folded, invisible chars and the
 *  grouping separators dropped. Applied to the whole output, it finds the identifier in any form
 *  the generator could have written it. */
export function foldForSearch(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xff01 + 0x21);
    else if (INVISIBLE.includes(ch) || ch === ' ' || ch === '-' || ch === '.' || ch === '\u3000') continue;
    else out += ch;
  }
  return out;
}
