import { describe, expect, it } from 'vitest';
import { looksLikeTemplate } from '../../../src/classify/detectors/biometric.js';
import { classifier, leaf, NOW, texts } from './helpers.js';

const B64 = 'Qk1WAAAAAAAAADYAAAAoAAAAEAAAAAEAAAABABgAAAAAACAAAAATCwAAEwsAAAAAAAAAAAAA'.repeat(3);

describe('religion', () => {
  it.each([
    ['宗教信仰：佛教', ['佛教']], ['他信仰基督教，每周礼拜', ['信仰基督教']], ['religion: Buddhist', ['Buddhist']],
    ['本人于2010年受洗', ['受洗']], ['I am a practising Muslim; my faith matters', ['Muslim']],
    ['候选人是基督徒，入职后请安排周日不排班', ['是基督徒']], ['另外我是穆斯林，公司食堂有清真餐吗？', ['我是穆斯林']],
  ])('%s', (value, want) => expect(texts(value, 'pi.religion').sort()).toEqual(want.sort()));

  it.each(['佛教寺庙一日游，含门票', 'Catholic University of America', '基督教青年会（YMCA）活动报名', '我们是穆斯林餐厅'])('nothing in %s', (value) => {
    expect(texts(value, 'pi.religion')).toEqual([]);
  });

  it.each([['佛教', 'religion'], ['无', '宗教信仰'], ['Buddhism', 'faith']])('%s under %s', (value, key) => {
    expect(texts(value, 'pi.religion', key)).toEqual(value === '无' ? [] : [value]);
  });
});

describe('biometrics', () => {
  it.each([
    ['已采集人脸特征值并上传', ['人脸特征']], ['fingerprint template stored for user 12', ['fingerprint template']], ['声纹数据：QmFzZTY0', ['声纹数据']],
  ])('%s', (value, want) => expect(texts(value, 'pi.biometric')).toEqual(want));

  it.each(['支持指纹解锁和人脸识别', 'TLS fingerprint SHA256:abc', 'browser fingerprint e3b0c442'])('nothing in %s', (value) => {
    expect(texts(value, 'pi.biometric')).toEqual([]);
  });

  it.each([[B64, 'faceFeature', true], [B64, 'fingerprint', true], ['ab:cd:ef:01:23', 'fingerprint', false], ['e3b0c44298fc1c149afbf4c8996fb924', 'fingerprint', false], ['AA:BB', 'deviceFingerprint', false], ['x1', '声纹', true],
    // A vendor's handle to a face it stores, no face data itself.
    ['222fe3730e282df3c3d700d5de1ab04a', 'faceToken', false]])(
    '%#: under %s → %s', (value, key, yes) => expect(texts(value, 'pi.biometric', key)).toEqual(yes ? [value] : []),
  );

  it('a face vector is a finding per number', () => {
    const vec = [0.0123, -0.4411, 0.3].map((x, i) => leaf(String(x), 'faceEmbedding', { location: `/u/faceEmbedding/${i}`, isNumber: true }));
    expect(classifier.classify(vec, NOW).filter((f) => f.category === 'pi.biometric')).toHaveLength(3);
  });

  it('templates', () => {
    expect(looksLikeTemplate(B64, false)).toBe(true);
    expect(looksLikeTemplate('SHA256:' + 'a'.repeat(150), false)).toBe(false);
    expect(looksLikeTemplate('data:image/png;base64,xx', false)).toBe(true);
  });
});
