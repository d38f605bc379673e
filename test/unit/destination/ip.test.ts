import { describe, expect, it } from 'vitest';
import { canonicalIp, classifyIp, parseCidr, parseIp, type IpClass } from '../../../src/destination/ip.js';

describe('classifyIp', () => {
  it.each<[string, IpClass]>([
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['100.128.0.1', 'public'],
    ['100.100.100.200', 'metadata'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.1.1', 'link_local'],
    ['169.254.169.254', 'metadata'],
    ['169.254.0.23', 'metadata'],
    ['172.15.255.255', 'public'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.255', 'reserved'],
    ['198.20.0.1', 'public'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.9', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['2001:4860:4860::8888', 'public'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::2', 'reserved'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fd00:ec2::254', 'metadata'],
    ['fe80::1', 'link_local'],
    ['febf::1', 'link_local'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['4000::1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::a00:1', 'private'],
    ['64:ff9b::808:808', 'public'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:808:808::1', 'public'],
  ])('%s is %s', (ip, cls) => {
    expect(classifyIp(ip)).toBe(cls);
  });

  it.each(['example.com', '0x7f.1', '127.1', '010.0.0.1', '[::1]', 'fe80::1%eth0', ''])('rejects %j', (ip) => {
    expect(() => classifyIp(ip)).toThrow(expect.objectContaining({ code: 'EG_BAD_REQUEST' }));
  });
});

describe('parseIp and canonicalIp', () => {
  it('unwraps IPv4-mapped IPv6', () => {
    expect(parseIp('::ffff:10.1.2.3')).toEqual({ family: 4, value: 0x0a010203n });
  });

  it.each([
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['64:ff9b::10.0.0.1', '64:ff9b::a00:1'],
  ])('%s → %s', (raw, canonical) => {
    expect(canonicalIp(raw)).toBe(canonical);
  });

  it('returns undefined for non-literals', () => {
    expect(canonicalIp('example.com')).toBeUndefined();
    expect(canonicalIp('1.2.3')).toBeUndefined();
  });
});

describe('parseCidr', () => {
  it('parses IPv4, IPv6, bare addresses and mapped prefixes', () => {
    expect(parseCidr('10.20.0.0/16')).toEqual({ family: 4, value: 0x0a140000n, prefix: 16 });
    expect(parseCidr('10.0.0.1')).toEqual({ family: 4, value: 0x0a000001n, prefix: 32 });
    expect(parseCidr('::ffff:10.0.0.0/104')).toEqual({ family: 4, value: 0x0a000000n, prefix: 8 });
    expect(parseCidr('2001:db8::/32')).toMatchObject({ family: 6, prefix: 32 });
    expect(parseCidr('0.0.0.0/0')).toEqual({ family: 4, value: 0n, prefix: 0 });
  });

  it.each([
    ['10.20.1.0/16', 'host bits are set; did you mean 10.20.0.0/16?'],
    ['10.0.0.0/33', 'prefix length must be a number from 0 to 32'],
    ['10.0.0.0/08', 'prefix length must be a number from 0 to 32'],
    ['10.0.0.0/', 'prefix length must be a number from 0 to 32'],
    ['2001:db8::/129', 'prefix length must be a number from 0 to 128'],
    ['::ffff:10.0.0.0/64', 'an IPv4-mapped prefix must be /96 or longer; write the IPv4 CIDR instead'],
    ['10.0.0/8', '"10.0.0" is not an IPv4 or IPv6 address'],
  ])('%s: %s', (raw, error) => {
    expect(parseCidr(raw)).toEqual({ error });
  });
});
