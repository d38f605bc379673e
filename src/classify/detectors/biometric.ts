/**
 * Biometric data (PIPL Art. 28): face, fingerprint, voiceprint, iris, palm and vein templates.
 * The data itself is an opaque blob (base64, a float vector), so it is found by the field that
 * holds it; in text only phrases that name someone's biometric data count, not product
 * features ("支持指纹解锁"). A bare "fingerprint" field is more often a certificate or device
 * hash, so it needs a value that looks like a template.
 */

export const BIOMETRIC_TERMS_ZH = [
  '指纹数据', '指纹模板', '指纹图像', '指纹特征', '指纹信息', '人脸数据', '人脸特征', '人脸图像', '人脸照片',
  '人脸信息', '人脸模板', '面部特征', '面部图像', '面部信息', '声纹数据', '声纹特征', '声纹信息', '声纹样本',
  '虹膜数据', '虹膜信息', '虹膜图像', '虹膜特征', '掌纹数据', '掌纹信息', '掌纹特征', '掌静脉', '指静脉',
  '步态特征', '生物识别信息', '生物特征信息', '生物识别数据',
];
export const BIOMETRIC_TERMS_EN = [
  'fingerprint template', 'fingerprint data', 'fingerprint image', 'fingerprint scan', 'face template',
  'face embedding', 'face embeddings', 'facial features', 'facial recognition data', 'face print',
  'faceprint', 'voiceprint', 'voice print', 'iris scan', 'iris template', 'iris code', 'palm print',
  'palmprint', 'palm vein', 'finger vein', 'biometric data', 'biometric template', 'biometric identifiers',
];

const HEX_OR_COLON = /^(?:sha(?:1|256|512)[:=])?[0-9a-f:]+$/i;

/**
 * Whether a value under a weak biometric field ("fingerprint") looks like a template: a long
 * base64 blob or a number of a vector, not a hash or a certificate thumbprint.
 */
export function looksLikeTemplate(value: string, isNumber: boolean): boolean {
  if (isNumber) return true;
  const s = value.trim();
  if (s.startsWith('data:image/')) return true;
  if (s.length < 128 || HEX_OR_COLON.test(s)) return false;
  let b64 = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const l = c | 32;
    if ((l >= 97 && l <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 61 || c === 45 || c === 95) b64++;
  }
  return b64 / s.length > 0.95;
}
