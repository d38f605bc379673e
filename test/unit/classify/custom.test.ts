import { describe, expect, it } from 'vitest';
import { validateCustomRule, type CustomRuleSpec } from '../../../src/classify/custom.js';
import { createClassifier } from '../../../src/classify/matcher.js';
import { regexProblems } from '../../../src/classify/regex-safety.js';
import { leaf, NOW } from './helpers.js';

const rule = (extra: Partial<CustomRuleSpec>): CustomRuleSpec => ({ id: 'r1', category: 'important.vehicle_track', ...extra });

describe('validateCustomRule', () => {
  it.each([
    rule({ pattern: '\\bEMP-\\d{6}\\b' }), rule({ pattern: '[A-Z]{2}\\d{6,8}', flags: 'i' }), rule({ pattern: '(?:foo|bar)+baz' }),
    rule({ pattern: '\\d{4}-\\d{4}-\\d{4}', validator: 'luhn' }), rule({ fields: ['employeeNo', '工号'] }), rule({ paths: ['/a/*/b', '/x~1y'] }),
    rule({ keywords: ['机密', 'top secret'] }), rule({ pattern: 'a+b+c+' }), rule({ pattern: '.*foo.*' }), rule({ pattern: '(?=\\d{18})\\d+' }),
  ])('accepts %#', (spec) => expect(validateCustomRule(spec)).toEqual([]));

  it.each([
    ['(a+)+b', 'nested quantifier'], ['(\\d*)*$', 'nested quantifier'], ['(a|ab)*c', 'repeated alternation'], ['(a|a?)+', 'repeated alternation'],
    ['(\\w+)\\s\\1', 'backreference'], ['(?<q>.)\\k<q>', 'backreference'], ['(?<=\\$)\\d+', 'lookbehind'], ['(?<!x)y', 'lookbehind'],
    ['\\d+\\d*x', 'adjacent repetitions'], ['\\w+\\s*\\w+!', 'adjacent repetitions'], ['.*.*=.*', 'adjacent repetitions'],
    ['(a{1,100}){1,100}', 'nested quantifier'], ['([a-z', 'does not compile'], ['(?:-?\\d{4}){3}', 'safe-regex2'],
  ])('refuses %s (%s) and says how to fix it', (pattern, why) => {
    const problems = validateCustomRule(rule({ pattern }));
    expect(problems.join('\n')).toContain(why);
    expect(problems.join('\n').length).toBeGreaterThan(40);
  });

  it.each([
    [rule({ paths: ['a/b'] }), 'JSON Pointer'], [rule({ paths: ['/a~2'] }), '~0'], [rule({ fields: ['__'] }), 'empty'],
    [rule({ keywords: ['ab'] }), 'too short'], [rule({ keywords: ['  '] }), 'blank'],
  ])('refuses %#', (spec, why) => expect(validateCustomRule(spec).join('\n')).toContain(why));

  it('reports flags it cannot use', () => {
    expect(regexProblems('a', 'gs').join()).toContain('only "i" and "u"');
  });

  it('is quick on every refused pattern (the check itself must not hang)', () => {
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) validateCustomRule(rule({ pattern: `(${'(a|b)*'.repeat(5)})+` }));
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('operator rules in the classifier', () => {
  const specs: CustomRuleSpec[] = [
    { id: 'emp', category: 'internal.employee_no', pattern: '\\bEMP-\\d{6}\\b' },
    { id: 'card', category: 'finance.card_ref', pattern: '\\b\\d{4}[ -]?\\d{4}[ -]?\\d{4}[ -]?\\d{4}\\b', validator: 'luhn', confidence: 0.7 },
    { id: 'secret', category: 'important.secret', keywords: ['绝密', 'Top Secret'] },
    { id: 'salary', category: 'pi.salary', fields: ['monthly_salary', '月薪'] },
    { id: 'track', category: 'important.vehicle_track', paths: ['/vehicles/*/track'] },
  ];
  const grades = new Map<string, 'pi' | 'important' | 'general'>([['internal.employee_no', 'general'], ['important.secret', 'important'], ['pi.salary', 'pi'], ['important.vehicle_track', 'important']]);
  const c = createClassifier(grades, specs);
  const run = (ls: ReturnType<typeof leaf>[]) => c.classify(ls, NOW).filter((f) => f.rule.startsWith('custom.')).map((f) => [f.rule, f.category, f.grade, ls[f.leafIndex]!.value.slice(f.start, f.end), f.confidence]);

  it('patterns, with a validator on the match', () => {
    expect(run([leaf('ids EMP-123456 and EMP-1234567; card 4111 1111 1111 1111, not 4111 1111 1111 1112')])).toEqual([
      ['custom.emp', 'internal.employee_no', 'general', 'EMP-123456', 0.9],
      ['custom.card', 'finance.card_ref', 'sensitive_pi', '4111 1111 1111 1111', 0.7],
    ]);
  });

  it('keywords join the one automaton (case-insensitive for Latin)', () => {
    expect(run([leaf('本文件绝密，TOP SECRET')])).toEqual([
      ['custom.secret', 'important.secret', 'important', '绝密', 0.9],
      ['custom.secret', 'important.secret', 'important', 'TOP SECRET', 0.9],
    ]);
  });

  it('fields (normalised) and paths (with *) claim the whole value', () => {
    expect(run([leaf('32000', 'monthlySalary', { location: '/hr/monthlySalary' }), leaf('[...]', 'track', { location: '/vehicles/3/track' }), leaf('x', 'track', { location: '/vehicles/3/4/track' }), leaf('', '月薪')])).toEqual([
      ['custom.salary', 'pi.salary', 'pi', '32000', 0.9],
      ['custom.track', 'important.vehicle_track', 'important', '[...]', 0.9],
    ]);
  });

  it('a rule the loader would refuse is left out, not run', () => {
    const bad = createClassifier(new Map(), [{ id: 'bad', category: 'x', pattern: '(a+)+$' }]);
    expect(bad.classify([leaf('a'.repeat(40) + '!')], NOW)).toEqual([]);
  });

  it('finds matches in long values across window boundaries, once each', () => {
    const filler = 'x '.repeat(8 * 1024 - 3);
    const value = `${filler}EMP-123456 ${'y'.repeat(40_000)} EMP-654321`;
    expect(run([leaf(value)]).map((f) => f[3])).toEqual(['EMP-123456', 'EMP-654321']);
  });

  it('stays bounded on hostile input for a pattern that passes the checks', () => {
    const q = createClassifier(new Map(), [{ id: 'q', category: 'x', pattern: '[a-z]+@' }]);
    const t0 = performance.now();
    q.classify([leaf('a'.repeat(1_000_000))], NOW);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});
