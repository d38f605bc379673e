/**
 * Practical e-mail addresses (local@domain.tld), found by expanding outwards from an '@' the
 * caller already located. Each side is one bounded linear scan, so no input can make it
 * backtrack; the RFC's quoted local parts and IP-literal domains are deliberately left out.
 */
import { isFullwidthAscii, isInvisibleCode } from '../chars.js';

export interface Span {
  readonly start: number;
  readonly end: number;
}

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

function isLocalChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) ||
    c === 46 || c === 95 || c === 37 || c === 43 || c === 45
  );
}

function isDomainChar(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 46 || c === 45;
}

/** The address around the '@' at index `at`, or undefined. */
export function matchEmailAt(s: string, at: number): Span | undefined {
  let start = at;
  while (start > 0 && at - start < MAX_LOCAL + 1 && isLocalChar(s.charCodeAt(start - 1))) start--;
  // A longer run than any legal local part means this is not an address (e.g. base64).
  if (start === at || at - start > MAX_LOCAL || (start > 0 && isLocalChar(s.charCodeAt(start - 1)))) {
    return undefined;
  }
  if (s.charCodeAt(start) === 46 || s.charCodeAt(at - 1) === 46) return undefined;
  for (let i = start + 1; i < at; i++) {
    if (s.charCodeAt(i) === 46 && s.charCodeAt(i - 1) === 46) return undefined;
  }

  let end = at + 1;
  const limit = Math.min(s.length, at + 1 + MAX_DOMAIN);
  while (end < limit && isDomainChar(s.charCodeAt(end))) end++;
  // A sentence may end right after the address.
  while (end > at + 1 && s.charCodeAt(end - 1) === 46) end--;
  if (!validDomain(s, at + 1, end) || isFileName(s, end) || isUrlUserInfo(s, start) || isScpRemote(s, start, at, end)) return undefined;
  return { start, end };
}

/** Asset names that carry an '@' ("icon@2x.png"): what looks like a top-level domain is a file
 *  type no registry issues. */
const FILE_TYPES = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'webp', 'svg', 'bmp', 'ico', 'tif', 'tiff', 'heic', 'avif', 'js', 'mjs', 'ts', 'css',
  'map', 'json', 'xml', 'yaml', 'yml', 'txt', 'log', 'csv', 'pdf', 'mp3', 'mp4', 'wav', 'webm', 'woff', 'woff2', 'ttf',
  'otf', 'gz', 'tgz', 'tar', 'jar', 'apk', 'ipa', 'exe', 'dll', 'lock',
]);
function isFileName(s: string, end: number): boolean {
  const dot = s.lastIndexOf('.', end - 1);
  return dot > 0 && FILE_TYPES.has(s.slice(dot + 1, end).toLowerCase());
}

/** "postgres://app:secret@db.internal": the user part of a URL, not a mailbox. */
function isUrlUserInfo(s: string, start: number): boolean {
  // Looked for in a bounded window: a text of many addresses stays linear.
  const from = Math.max(0, start - MAX_USERINFO);
  const window = s.slice(from, start);
  const scheme = window.lastIndexOf('://');
  // Userinfo ends the authority's first part: no path, query or fragment char before the '@'
  // ("https://x.cn/?email=li@example.com" is an address in a query).
  return scheme >= 0 && !/[\s"'<>,;/?#&=]/.test(window.slice(scheme + 3));
}
const MAX_USERINFO = 80;

/** "git@github.com:org/repo.git": an SSH remote, the host followed by ':' and a path. */
function isScpRemote(s: string, start: number, at: number, end: number): boolean {
  return s.charCodeAt(end) === 58 && at - start <= 8 && /^(?:git|hg|svn|ssh|root|ubuntu|ec2-user|deploy)$/.test(s.slice(start, at));
}

/** Labels 1–63 chars, no leading/trailing '-', at least two, TLD 2+ letters (or xn--). */
function validDomain(s: string, from: number, to: number): boolean {
  let labels = 0;
  let labelStart = from;
  for (let i = from; i <= to; i++) {
    if (i < to && s.charCodeAt(i) !== 46) continue;
    const len = i - labelStart;
    if (len < 1 || len > 63) return false;
    if (s.charCodeAt(labelStart) === 45 || s.charCodeAt(i - 1) === 45) return false;
    labels++;
    if (i === to) {
      if (labels < 2) return false;
      if (len >= 4 && s.startsWith('xn--', labelStart)) return true;
      if (len < 2) return false;
      for (let j = labelStart; j < i; j++) {
        const l = s.charCodeAt(j) | 32;
        if (l < 97 || l > 122) return false;
      }
      return true;
    }
    labelStart = i + 1;
  }
  return false;
}

/**
 * The address around the '@' (or full-width '＠') at index `at` as an evasion writes it: with
 * invisible characters inside ("li\u200bna@example.com") or in full-width forms
 * ("ｌｉｎａ＠ｅｘａｍｐｌｅ．ｃｏｍ"). Those are folded away in a bounded window and the address
 * found in what is left; the span returned covers every character of it in `s`.
 */
export function matchFoldedEmailAt(s: string, at: number): Span | undefined {
  const from = Math.max(0, at - 2 * (MAX_LOCAL + 1));
  const to = Math.min(s.length, at + 1 + 2 * MAX_DOMAIN);
  let folded = '';
  const origin: number[] = [];
  let foldedAt = -1;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (isInvisibleCode(c)) continue;
    if (i === at) foldedAt = folded.length;
    folded += String.fromCharCode(isFullwidthAscii(c) ? c - 0xfee0 : c);
    origin.push(i);
  }
  const m = foldedAt < 0 ? undefined : matchEmailAt(folded, foldedAt);
  return m === undefined ? undefined : { start: origin[m.start]!, end: origin[m.end - 1]! + 1 };
}

/** Whether the whole string is one address. */
export function isEmail(s: string): boolean {
  const at = s.indexOf('@');
  if (at < 0) return false;
  const m = matchEmailAt(s, at);
  return m !== undefined && m.start === 0 && m.end === s.length;
}
