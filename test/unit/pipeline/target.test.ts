import { describe, expect, it, vi } from 'vitest';
import { createClassifier } from '../../../src/classify/matcher.js';
import { auditPath, type RequestTarget } from '../../../src/pipeline/target.js';

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
