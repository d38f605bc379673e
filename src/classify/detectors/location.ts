/**
 * Precise coordinates inside China (DOMAIN §5): decimal degrees with at least four decimals
 * (about 11 m) inside the coarse box lng 72.004–137.8347, lat 0.8293–55.8271. The two ranges
 * do not overlap, so a pair's order ("lat,lng" or "lng,lat", [lng, lat] in GeoJSON) follows
 * from the values. A lone number is never enough: it takes a latitude and a longitude together,
 * side by side in text or as sibling fields.
 */
import { foldEvasions } from '../chars.js';
import { insideChina } from './china-outline.js';

export const MIN_DECIMALS = 4;
/** A JSON number loses trailing zeros (31.2300 → 31.23), so the other half of a pair whose
 *  precision shows in one value may show as few as two. */
const MIN_PARTNER_DECIMALS = 2;
const LAT_MIN = 0.8293;
const LAT_MAX = 55.8271;
const LNG_MIN = 72.004;
const LNG_MAX = 137.8347;

export type Axis = 'lat' | 'lng';

/** A decimal number: value and the count of digits after the point. */
export interface Decimal {
  readonly value: number;
  readonly decimals: number;
}

/** Parses "31.2304", "-33.9", " 121.4737 " (JSON numbers and strings alike, full-width digits
 *  and invisible characters undone); no exponents. */
export function parseDecimal(s: string): Decimal | undefined {
  const t = foldEvasions(s).trim();
  const m = /^([NSEW]?)(-?\d{1,3}\.(\d{1,15}))([NSEW]?)$/.exec(t);
  if (m === null) return undefined;
  // Trackers put the hemisphere before or after the degrees ("N39.414655", "120.586736E").
  const hemisphere = m[1] || m[4];
  if (m[1] && m[4]) return undefined;
  const value = Number(m[2]);
  return { value: hemisphere === 'S' || hemisphere === 'W' ? -value : value, decimals: m[3]!.length };
}

/** A key whose value is its axis's degrees times 10^7, as location-history exports write them
 *  ("latitudeE7": 298613470). */
export function isE7Key(key: string): boolean {
  return key.length > 3 && key.endsWith('E7');
}

/**
 * An axis key's integer as degrees: ten-millionths under an E7 key (`exponent` 7, 7–10 digits),
 * else millionths, as GB/T 32960 vehicle terminals and some map APIs send them ("lat": 22547202,
 * "lng": 113929849; 6–9 digits). The pair must still fall in China.
 */
export function parseScaledDegrees(s: string, exponent: 6 | 7): Decimal | undefined {
  const t = s.trim();
  if (!(exponent === 7 ? /^-?\d{7,10}$/ : /^-?\d{6,9}$/).test(t)) return undefined;
  return { value: Number(t) / 10 ** exponent, decimals: exponent };
}

/** Which axis of China's box a value can be, if any (precision is judged on the pair). */
export function chinaAxis(d: Decimal): Axis | undefined {
  if (d.decimals < MIN_PARTNER_DECIMALS) return undefined;
  if (d.value >= LAT_MIN && d.value <= LAT_MAX) return 'lat';
  if (d.value >= LNG_MIN && d.value <= LNG_MAX) return 'lng';
  return undefined;
}

/** A latitude and a longitude, in either order, precise (four decimals in one of them at
 *  least), inside China's outline (the box also covers Seoul, Bangkok, Hanoi, Kathmandu). */
export function isChinaPair(a: Decimal, b: Decimal): boolean {
  const x = chinaAxis(a);
  const y = chinaAxis(b);
  if (x === undefined || y === undefined || x === y) return false;
  if (Math.max(a.decimals, b.decimals) < MIN_DECIMALS) return false;
  return x === 'lat' ? insideChina(b.value, a.value) : insideChina(a.value, b.value);
}

function endsWithWord(key: string, words: readonly string[]): boolean {
  const lower = key.toLowerCase();
  for (const w of words) {
    if (lower === w) return true;
    if (!lower.endsWith(w)) continue;
    // "pickupLat", "gps_lng", "user-lon", Mixpanel's "$latitude": the word starts after a camel
    // hump or separator, so "flat" and "salon" are not coordinates.
    const before = key.charCodeAt(key.length - w.length - 1);
    const first = key.charCodeAt(key.length - w.length);
    if (before === 95 || before === 45 || before === 46 || before === 32 || before === 36) return true;
    if (first >= 65 && first <= 90) return true;
  }
  return false;
}

// "wd"/"jd": the pinyin initials of 纬度/经度; a pair only counts with both axes.
const LAT_WORDS = ['lat', 'latitude', 'weidu', 'wd', '纬度'];
const LNG_WORDS = ['lng', 'lon', 'long', 'longitude', 'jingdu', 'jd', '经度'];
const CJK_LAT = ['纬度'];
const CJK_LNG = ['经度'];

// Every axis word ends in one of these: a cheap test before any string work.
const AXIS_LAST = new Set([...'tTgGnNeE度udD'].map((c) => c.charCodeAt(0)));

const GIS_AXIS: Readonly<Record<number, Axis>> = { 120: 'lng', 121: 'lat' };
const SHORT_AXIS: ReadonlyMap<string, Axis> = new Map([['la', 'lat'], ['lo', 'lng'], ['ln', 'lng']]);

// Keys repeat across leaves and requests: the verdicts are kept (bounded, cleared when full).
const MEMO_LIMIT = 4096;
const axisMemo = new Map<string, Axis | null>();
const pointMemo = new Map<string, boolean>();

/** The axis a field name declares ("lat", "pickupLatitude", "纬度"). */
export function keyAxis(key: string | undefined): Axis | undefined {
  if (key === undefined || key.length === 0 || key.length > 40) return undefined;
  // GIS writes a point as {"x": lng, "y": lat}; only the bare letters ("offsetX" is a screen's).
  // Geodesy writes a control point's latitude and longitude as capital B and L (CGCS2000).
  if (key.length === 1) return key === 'B' ? 'lat' : key === 'L' ? 'lng' : GIS_AXIS[key.charCodeAt(0) | 32];
  // Trackers and wearables shorten the axes to two letters ({"la": 43.71, "lo": 87.63}).
  if (key.length === 2) {
    const short = SHORT_AXIS.get(key.toLowerCase());
    if (short !== undefined) return short;
  }
  // "geo[lat]": a form key names its axis in its last member.
  if (key.charCodeAt(key.length - 1) === 93) return keyAxis(key.slice(key.lastIndexOf('[') + 1, -1));
  if (!AXIS_LAST.has(key.charCodeAt(key.length - 1)) && !AXIS_SUFFIX.test(key)) return undefined;
  const known = axisMemo.get(key);
  if (known !== undefined) return known ?? undefined;
  const axis = readAxis(key);
  if (axisMemo.size >= MEMO_LIMIT) axisMemo.clear();
  axisMemo.set(key, axis ?? null);
  return axis;
}

/** Unit and datum suffixes after the axis word: "latitude_deg", "lat_wgs84", "lng_gcj02". */
const AXIS_SUFFIX = /[_\-.]?(?:deg|degs|degree|degrees|wgs84|gcj02|gcj|bd09|wgs|dd|decimal|E7)$/i;
/** Both axes in one key name a point ("dropoffLatLng": [lat, lng]), not one axis. */
const BOTH_AXES = /(?:lat(?:itude)?[_\-.]?(?:lng|lon|long|longitude)|(?:lng|lon|long|longitude)[_\-.]?lat(?:itude)?)$/i;

function readAxis(key: string): Axis | undefined {
  if (BOTH_AXES.test(key)) return undefined;
  const bare = key.replace(AXIS_SUFFIX, '');
  if (bare !== key && bare.length > 0) return readAxis(bare);
  if (endsWithWord(key, LAT_WORDS) || CJK_LAT.some((w) => key.endsWith(w))) return 'lat';
  if (endsWithWord(key, LNG_WORDS) || CJK_LNG.some((w) => key.endsWith(w))) return 'lng';
  return undefined;
}

const AXIS_WORD = /(?:latitude|longitude|lat|lng|lon|long|weidu|jingdu|wd|jd|纬度|经度)$/i;

/**
 * What a key names besides its axis ("from_lat" → "from", "dropoffLongitude" → "dropoff",
 * "geo[lat]" → "geo", "lat" → ""): two points in one object ({from_lat, from_lng, to_lat,
 * to_lng}) are told apart by it. Only asked of keys keyAxis reads an axis in.
 */
export function axisKeyPrefix(key: string): string {
  if (key.length === 1) return '';
  let k = key.charCodeAt(key.length - 1) === 93 ? key.slice(0, key.lastIndexOf('[')) : key.replace(AXIS_SUFFIX, '').replace(AXIS_WORD, '');
  k = k.replace(/[_\-.\s]+$/, '');
  return k.toLowerCase();
}

const POINT_KEYS = new Set([
  'coordinates', 'coordinate', 'coords', 'coord', 'location', 'loc', 'position', 'pos', 'gps',
  'track', 'tracks', 'trajectory', 'path', 'route', 'points', 'point', 'latlng', 'lnglat',
  'latlon', 'lonlat', 'geo', 'geometry', 'center', 'centre', 'waypoints', 'polyline', 'trail',
  // A point named by its datum: {"wgs84": [lat, lng]}, {"gcj02": …}, Baidu's {"bd09ll": …}.
  'wgs84', 'wgs', 'gcj02', 'gcj', 'bd09', 'bd09ll', 'bd09mc',
  '坐标', '位置', '定位', '轨迹', '经纬度', '位置信息', '定位信息', '轨迹点',
  // …and in pinyin.
  'guiji', 'guijidian', 'zuobiao', 'jingweidu',
  // Telematics traces and breadcrumbs ("trace": ["36.02125,120.46778", …]).
  'trace', 'traces', 'breadcrumbs',
]);

/** Whether an array under this key holds points ([lng, lat] pairs, tracks of them). */
export function isPointArrayKey(key: string | undefined): boolean {
  if (key === undefined || key.length > 40) return false;
  const known = pointMemo.get(key);
  if (known !== undefined) return known;
  const point = readPointArrayKey(key);
  if (pointMemo.size >= MEMO_LIMIT) pointMemo.clear();
  pointMemo.set(key, point);
  return point;
}

function readPointArrayKey(key: string): boolean {
  const norm = key.toLowerCase().replace(/[_\-. ]/g, '');
  if (POINT_KEYS.has(norm)) return true;
  // "trackPoints", "routePoints": a key of points is a track whatever it starts with.
  for (const k of ['coordinates', 'coords', 'location', 'position', 'gps', 'track', 'trajectory', 'latlng', 'lnglat', 'points', 'wgs84', 'gcj02', 'bd09', '坐标', '轨迹', '经纬度', 'guiji', 'trace']) {
    if (norm.endsWith(k)) return true;
  }
  return false;
}
