import { describe, expect, it } from 'vitest';
import { isEmail, matchEmailAt, matchFoldedEmailAt } from '../../../src/classify/detectors/email.js';
import { inspectBody } from '../../../src/pipeline/inspect.js';
import { classifier, NOW } from './helpers.js';

describe('isEmail', () => {
  it.each([
    'zhang.san@example.com', 'a+tag@mail.example.cn', '13812345678@163.com', 'x_y-z%1@sub.domain.co.uk',
    'user@xn--fiqs8s.xn--55qx5d', 'A@B.CO',
  ])('accepts %s', (s) => expect(isEmail(s)).toBe(true));

  it.each([
    '@types/node', 'foo@1.2.3', 'a@b', 'a@b.c', 'a@-b.com', 'a@b-.com', 'a@b..com', '.a@b.com', 'a.@b.com',
    'a..b@c.com', 'a@.com', 'user@localhost', 'a b@c.com', 'git@github.com:org/repo.git',
  ])('rejects %s', (s) => expect(isEmail(s)).toBe(false));
});

describe('matchEmailAt', () => {
  const find = (s: string) => {
    const m = matchEmailAt(s, s.indexOf('@'));
    return m && s.slice(m.start, m.end);
  };
  it.each([
    ['联系邮箱：zhang.san@example.com。', 'zhang.san@example.com'],
    ['mail me at a.b@c.org.', 'a.b@c.org'],
    ['<a@b.io>', 'a@b.io'],
    ['"email":"x@y.com"', 'x@y.com'],
    ['https://x.cn/track?email=li.na@example.com&x=1', 'li.na@example.com'],
    ['mailto:zhang@example.cn', 'zhang@example.cn'],
    ['deploy key for zhang@example.cn:prod', 'zhang@example.cn'],
  ])('finds the address in %s', (s, want) => expect(find(s)).toBe(want));

  it.each([
    // An SSH remote, an asset at a pixel density, a URL's user and password.
    'git@github.com:org/repo.git', 'src="img/icon@2x.png"', 'banner@3x.webp', 'postgres://app:changeme@db.example.com:5432/shop',
    'https://user@example.com/path',
  ])('no address in %s', (s) => expect(find(s)).toBeUndefined());

  it('refuses a local part longer than 64 chars (base64 and the like)', () => {
    expect(find('a'.repeat(65) + '@example.com')).toBeUndefined();
    expect(find('a'.repeat(64) + '@example.com')).toBe('a'.repeat(64) + '@example.com');
  });

  it('stays linear over many valid addresses (the URL-userinfo look-back is bounded)', () => {
    const s = 'li.na@example.com '.repeat(50_000);
    const t0 = performance.now();
    let found = 0;
    for (let i = s.indexOf('@'); i >= 0; i = s.indexOf('@', i + 1)) if (matchEmailAt(s, i)) found++;
    expect(found).toBe(50_000);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('stays linear on hostile input', () => {
    const s = ('a.'.repeat(20) + '@').repeat(20_000) + 'b';
    const t0 = performance.now();
    for (let i = s.indexOf('@'); i >= 0; i = s.indexOf('@', i + 1)) matchEmailAt(s, i);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('matchFoldedEmailAt: addresses written to evade', () => {
  const find = (s: string) => {
    const at = s.split('').findIndex((c) => c === '@' || c === '＠');
    const m = matchFoldedEmailAt(s, at);
    return m && s.slice(m.start, m.end);
  };
  it.each([
    ['邮箱：ｌｉｎａ＠ｅｘａｍｐｌｅ．ｃｏｍ。', 'ｌｉｎａ＠ｅｘａｍｐｌｅ．ｃｏｍ'],
    ['mail li\u200bna@exa\u200cmple.com now', 'li\u200bna@exa\u200cmple.com'],
    ['x lina＠example.com\u200b.', 'lina＠example.com'],
  ])('%j → %j', (s, want) => expect(find(s)).toBe(want));

  it.each(['price ＠ 5 each', 'ｌｉｎａ＠ｌｏｃａｌｈｏｓｔ', 'a\u200b@\u200bb'])('%j → nothing', (s) => expect(find(s)).toBeUndefined());
});

describe('message ids under mail header keys', () => {
  it('are no mailbox', () => {
    const emails = (json: string) => inspectBody(classifier, Buffer.from(json), 'application/json', NOW).findings.filter((f) => f.category === 'pi.email').map((f) => f.location);
    expect(emails('{"headers":{"Message-ID":"<8d82d58437accb145aeedb0b@mail.ruisigroup.cn>","In-Reply-To":"<a1@mail.example.cn>","From":"<li.na@example.cn>"}}')).toEqual(['/headers/From']);
  });
});
