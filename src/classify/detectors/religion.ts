/**
 * Religious belief (PIPL Art. 28). The name of a faith is not personal by itself ("佛教寺庙一日游",
 * "Catholic University"), so faith words count only where the value is about someone's belief:
 * a religion field, a "宗教信仰：" label, or a belief word in the same value (信仰, religion…).
 * Words that name a believer's own act (受洗, 皈依) count alone.
 */

export const RELIGION_WORDS_ZH = [
  '佛教', '道教', '伊斯兰教', '天主教', '基督教', '东正教', '犹太教', '印度教', '藏传佛教', '喇嘛教',
  '新教', '锡克教', '佛教徒', '基督徒', '天主教徒', '穆斯林', '伊斯兰', '道教徒', '犹太教徒', '无神论',
];
export const RELIGION_WORDS_EN = [
  'buddhist', 'buddhism', 'christian', 'christianity', 'catholic', 'catholicism', 'muslim', 'islam',
  'islamic', 'hindu', 'hinduism', 'jewish', 'judaism', 'protestant', 'taoist', 'taoism', 'sikh',
  'sikhism', 'atheist', 'agnostic', 'evangelical', 'orthodox christian',
];
/** Make the faith words above personal when they share a value. */
export const RELIGION_CONTEXT = [
  '信仰', '宗教', '宗教信仰', '信教', '信奉', '信徒', '教徒', '礼拜', 'religion', 'religious', 'faith', 'believer',
  'worship', 'religious belief', 'religious affiliation',
];
/** Personal on their own: a believer's own acts. */
export const RELIGION_TERMS = ['受洗', '皈依', '信仰佛教', '信仰基督教', '信仰伊斯兰教', '信仰天主教', '信仰道教',
  // Someone said to be a believer ("候选人是基督徒，入职后请安排…").
  // "穆斯林" is also an adjective ("是穆斯林餐厅"), so only the words for a believer.
  '是基督徒', '是佛教徒', '是天主教徒', '是道教徒', '是犹太教徒', '为基督徒', '为佛教徒',
  // …and a Muslim speaking of themselves or of someone ("另外我是穆斯林，食堂有清真餐吗？").
  '我是穆斯林', '本人是穆斯林', '他是穆斯林', '她是穆斯林'];
