import { describe, expect, it, vi } from 'vitest';
import { createClassifier } from '../../../src/classify/matcher.js';
import { absoluteAuthority, auditPath, plainHttpAuthority, type RequestTarget } from '../../../src/pipeline/target.js';

const target = (pathname: string, query: string | null = null): RequestTarget => ({ via: 'forward', host: 'api.example', port: 80, pathname, query, hostHeader: 'api.example' });
const NOW = new Date('2026-11-27T03:00:00Z');

describe('auditPath', () => {
  it.each([
    ['/v1/orders', null, '/v1/orders'],
    ['/users/13800138000/orders', 'id=7&page=2', '/users/{pi.phone}/orders?id=&page='],
    ['/ids/11010519491231002X', null, '/ids/{pi.id_card}'],
    ['/mail/zhang.wei%40example.cn', null, '/mail/{pi.email}'],
    ['/search', 'q=13800138000&&flag', '/search?q=&flag='],
  ])('%s ? %s → %s', (pathname, query, recorded) => {
    expect(auditPath(target(pathname, query), createClassifier(new Map()), NOW)).toBe(recorded);
  });

  it('classifies a clean path once per classifier and day, and a path with a finding every time', () => {
    const classifier = createClassifier(new Map());
    const classify = vi.spyOn(classifier, 'classify');
    for (let i = 0; i < 3; i++) expect(auditPath(target('/v1/orders', 'page=1'), classifier, NOW)).toBe('/v1/orders?page=');
    expect(classify).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 3; i++) expect(auditPath(target('/users/13800138000'), classifier, NOW)).toBe('/users/{pi.phone}');
    expect(classify).toHaveBeenCalledTimes(4);
    // Midnight in China (UTC+8) starts a new day: the clean path is classified again.
    expect(auditPath(target('/v1/orders'), classifier, new Date('2026-11-27T16:00:00Z'))).toBe('/v1/orders');
    expect(classify).toHaveBeenCalledTimes(5);
    // Another classifier (a reloaded policy) keeps its own.
    const next = createClassifier(new Map());
    const classifyNext = vi.spyOn(next, 'classify');
    auditPath(target('/v1/orders'), next, NOW);
    expect(classifyNext).toHaveBeenCalledTimes(1);
  });
});

describe('the plain http:// fast path reads what the URL parser reads', () => {
  const hosts = ['api.example', 'API.Example.COM', 'example.com.', '0x7f.1', '0177.0.0.1', '1.2.3', '127.0.0.1', '4294967295', 'a-b.c-d.e', 'xn--fiqs8s.cn', 'localhost'];
  const ports = ['', ':80', ':8080', ':080', ':00080', ':65535', ':1'];
  const rests = ['', '/', '/p?q=1', '?x', '/a/b#f'];
  for (const host of hosts) {
    for (const port of ports) {
      for (const rest of rests) {
        const raw = `http://${host}${port}${rest}`;
        it(raw, () => {
          const fast = plainHttpAuthority(raw);
          if (rest.includes('#') && fast === undefined) return;
          expect(fast).toEqual(absoluteAuthority(raw, false));
        });
      }
    }
  }

  it.each([
    'http://a@b.example/', 'http://b.example:99999/', 'http://b.example:/', 'HTTP://b.example/', 'https://b.example/', 'http://b_x.example/',
    'http://b.example\\@evil.example/', 'http://[::1]/', 'http://b.example#x', 'http://xn--a/', 'http://999.1.1.1/', 'http://a..b/', 'http://-a.example/',
  ])('leaves %s to the URL parser', (raw) => {
    expect(plainHttpAuthority(raw)).toBeUndefined();
  });
});
