import { describe, expect, it } from 'vitest';
import { addressConfidenceFactor } from '../../../src/classify/detectors/address.js';
import { nameConfidenceFactor } from '../../../src/classify/detectors/name.js';
import { inspectBody } from '../../../src/pipeline/inspect.js';
import { classifier, NOW } from './helpers.js';
import {
  isChineseTravelDocument, passportConfidenceFactor,
} from '../../../src/classify/detectors/passport.js';

describe('nameConfidenceFactor', () => {
  it.each([
    ['张三', 1], ['欧阳娜娜', 1], [' 李四 ', 1], ['阿依古丽·买买提', 1], ['John Smith', 1],
    ["Mary-Jane O'Neil", 1], ['José Álvarez', 1], ['J. R. R. Tolkien', 1], ['John', 0.6], ['Widget', 0.6],
  ])('%s → %s', (v, f) => expect(nameConfidenceFactor(v)).toBe(f));

  it.each([
    '', '张', '张三丰收了', '13812345678', 'true', 'false', 'null', 'N/A', 'unknown', 'admin',
    'https://example.com', '550e8400-e29b-41d4-a716-446655440000', 'a@b.com', 'iPhone 15',
    'one two three four five six', '张三 Smith', '·张三', 'x', 'Apple Inc.', 'Acme Trading Ltd', 'Bosch GmbH',
    'Peking University',
  ])('rejects %j', (v) => expect(nameConfidenceFactor(v)).toBe(0));
});

describe('addressConfidenceFactor', () => {
  it.each([
    ['北京市朝阳区建国路88号', 1], ['广东省深圳市南山区科技园', 1], ['1 Main Street, Springfield', 1],
    ['Baker Street London', 0.7], ['阳光花园东门', 0.7],
  ])('%s → %s', (v, f) => expect(addressConfidenceFactor(v)).toBe(f));

  it.each([
    '', '北京', '10.0.0.1', '192.168.1.1:8080', '0x71C7656EC7ab88b098defB751B7401B5f6d8976F',
    'fe80::1', 'https://example.com/a b', 'a@b.com', 'true', '123456', 'Beijing', '张家港市XX小区', '××市××路××号',
  ])('rejects %j', (v) => expect(addressConfidenceFactor(v)).toBe(0));
});

describe('addresses by their holder', () => {
  const addresses = (body: string) => inspectBody(classifier, Buffer.from(body), 'application/json', NOW).findings.filter((f) => f.category === 'pi.address').map((f) => f.location);
  it("a hotel's, a store's or a merchant's address is the business's; a scene's and a guest's are not", () => {
    const body = {
      hotel: { address: '福建省厦门市思明区中山路270号' }, 取车门店: { 地址: '陕西省西安市雁塔区科技路99号' }, merchants: [{ address: '上海市浦东新区张杨路1号' }],
      scene: { address: '福建省厦门市思明区中山路271号' }, guest: { address: '福建省厦门市思明区中山路272号' },
    };
    expect(addresses(JSON.stringify(body))).toEqual(['/scene/address', '/guest/address']);
  });
});

describe('passports and permits', () => {
  it.each(['E12345678', 'EA1234567', 'G12345678', 'C12345678', 'H12345678', 'M1234567890', 'e12345678'])(
    'Chinese document %s', (s) => expect(isChineseTravelDocument(s)).toBe(true),
  );
  it.each(['EI1234567', 'EO1234567', 'E1234567', 'X12345678', 'H123456789', 'E123456789'])(
    'not a Chinese document: %s', (s) => expect(isChineseTravelDocument(s)).toBe(false),
  );
  it.each([
    ['E12345678', 1], ['123456789', 0.7], ['AB1234567', 0.7], ['ABCDEFG', 0], ['12345', 0], ['E1234-5678', 0],
  ])('%s → %s', (s, f) => expect(passportConfidenceFactor(s)).toBe(f));
});
