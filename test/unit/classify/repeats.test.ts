import { describe, expect, it } from 'vitest';
import { inspectBody } from '../../../src/pipeline/inspect.js';
import { redactBody } from '../../../src/transform/redact.js';
import { classifier, NOW } from './helpers.js';

/** Every name finding of a body as "location rule text", and the body with all findings masked. */
function inspect(body: string, contentType: string) {
  const buf = Buffer.from(body);
  const { parsed, findings } = inspectBody(classifier, buf, contentType, NOW);
  const names = findings.filter((f) => f.category === 'pi.name').map((f) => `${f.location} ${f.rule} ${parsed.leaves[f.leafIndex]!.value.slice(f.start, f.end)}`);
  const edits = findings.map((f) => ({ leafIndex: f.leafIndex, start: f.start, end: f.end, mode: { kind: 'mask' as const } }));
  return { names, redacted: redactBody(buf, parsed.leaves, edits).toString('utf8') };
}

describe('a name found once is masked wherever the request repeats it', () => {
  it.each([
    ['text/plain', '收件人：张伟。张伟，您好，请取件', ' context.label 张伟| name.repeat 张伟', '收件人：**。**，您好，请取件'],
    ['text/plain', '客户姓名：李娜\n备注：李娜要求周末送货', ' context.label 李娜| name.repeat 李娜', '客户姓名：**\n备注：**要求周末送货'],
  ])('%s %j', (contentType, body, names, redacted) => {
    const r = inspect(body, contentType);
    expect(r.names.sort().join('|')).toBe(names.split('|').sort().join('|'));
    expect(r.redacted).toBe(redacted);
  });

  it('in a JSON leaf the pre-check left out: the body is read again whole', () => {
    const r = inspect('{"contact":"张伟","note":"请张伟周末来取","sku":"A-1"}', 'application/json');
    expect(r.names.sort()).toEqual(['/contact field.name 张伟', '/note name.repeat 张伟']);
    expect(r.redacted).toBe('{"contact":"**","note":"请**周末来取","sku":"A-1"}');
  });

  it('a Latin name only as a whole word', () => {
    const r = inspect('{"name":"Zhang Wei","msg":"Zhang Wei called; Zhang Weiming did not"}', 'application/json');
    expect(r.redacted).toBe('{"name":"*********","msg":"********* called; Zhang Weiming did not"}');
  });

  it('a body without names is read once, and one-character fragments are not repeated', () => {
    expect(inspect('{"note":"张伟周末来取"}', 'application/json').names).toEqual([]);
    expect(inspect('姓名：张 伟。张伟', 'text/plain').names.filter((n) => n.includes('repeat'))).toEqual([]);
  });
});
