import { describe, expect, it } from 'vitest';
import { normalizeHost, parseAuthority, parseHostPattern } from '../../../src/destination/host.js';
import { EgError } from '../../../src/errors.js';

describe('normalizeHost', () => {
  it.each([
    ['Example.COM', 'example.com'],
    ['example.com.', 'example.com'],
    ['例子.测试', 'xn--fsqu00a.xn--0zwm56d'],
    ['例子.测试.', 'xn--fsqu00a.xn--0zwm56d'],
    ['BÜCHER.example', 'xn--bcher-kva.example'],
    ['xn--fsqu00a.xn--0zwm56d', 'xn--fsqu00a.xn--0zwm56d'],
    ['0x7f.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['0x7F000001', '127.0.0.1'],
    ['127.0.0.1.', '127.0.0.1'],
    ['[::1]', '::1'],
    ['::1', '::1'],
    ['[::FFFF:127.0.0.1]', '127.0.0.1'],
    ['[::ffff:7f00:1]', '127.0.0.1'],
    ['[2001:DB8:0:0:0:0:0:1]', '2001:db8::1'],
    ['[64:ff9b::7f00:1]', '64:ff9b::7f00:1'],
    ['under_score.example', 'under_score.example'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeHost(raw)).toBe(expected);
  });

  it.each([
    '',
    '.',
    'a..b',
    'exa mple.com',
    'user@example.com',
    'example.com:443',
    'example.com/path',
    'ex%61mple.com',
    '-lead.example',
    `${'a'.repeat(64)}.example`,
    '[::1',
    '[127.0.0.1]',
    '[fe80::1%25eth0]',
    'fe80::1%eth0',
    '1.2.3.4.5',
    '256.0.0.1',
    'a\u0000b',
  ])('rejects %j with EG_BAD_REQUEST', (raw) => {
    expect(() => normalizeHost(raw)).toThrow(EgError);
    expect(() => normalizeHost(raw)).toThrow(expect.objectContaining({ code: 'EG_BAD_REQUEST' }));
  });
});

describe('parseAuthority', () => {
  it.each([
    ['example.com:443', undefined, { host: 'example.com', port: 443 }],
    ['Example.COM.:8443', undefined, { host: 'example.com', port: 8443 }],
    ['example.com', 80, { host: 'example.com', port: 80 }],
    ['example.com:', 80, { host: 'example.com', port: 80 }],
    ['[::1]:443', undefined, { host: '::1', port: 443 }],
    ['[::1]', 80, { host: '::1', port: 80 }],
    ['[::ffff:127.0.0.1]:8080', undefined, { host: '127.0.0.1', port: 8080 }],
    ['0x7f.1:22', undefined, { host: '127.0.0.1', port: 22 }],
    ['例子.测试:443', undefined, { host: 'xn--fsqu00a.xn--0zwm56d', port: 443 }],
    ['example.com', 0, { host: 'example.com', port: 0 }],
  ] as const)('%s (default %s)', (raw, defaultPort, expected) => {
    expect(parseAuthority(raw, defaultPort)).toEqual(expected);
  });

  it.each([
    ['example.com', undefined],
    ['example.com:', undefined],
    ['example.com:0', undefined],
    ['example.com:65536', undefined],
    ['example.com:+80', undefined],
    ['example.com:80a', undefined],
    ['::1:443', undefined],
    ['[::1]443', undefined],
    ['[::1', 443],
    ['user@example.com:443', undefined],
    [':443', undefined],
  ] as const)('rejects %j (default %s)', (raw, defaultPort) => {
    expect(() => parseAuthority(raw, defaultPort)).toThrow(expect.objectContaining({ code: 'EG_BAD_REQUEST' }));
  });
});

describe('parseHostPattern', () => {
  it('splits exact and suffix patterns and normalises them', () => {
    expect(parseHostPattern('*.CN')).toEqual({ kind: 'suffix', host: 'cn' });
    expect(parseHostPattern('*.例子.测试.')).toEqual({ kind: 'suffix', host: 'xn--fsqu00a.xn--0zwm56d' });
    expect(parseHostPattern('API.example.com')).toEqual({ kind: 'exact', host: 'api.example.com' });
  });

  it.each(['*', '*.', 'a.*.com', '**.com', '*example.com', '127.0.0.1', '*.10.0.0.1', '[::1]'])('rejects %j', (raw) => {
    expect(parseHostPattern(raw)).toHaveProperty('error');
  });
});
