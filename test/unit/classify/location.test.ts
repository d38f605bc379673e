import { describe, expect, it } from 'vitest';
import { insideChina } from '../../../src/classify/detectors/china-outline.js';
import { axisKeyPrefix, isChinaPair, isPointArrayKey, keyAxis, parseDecimal, parseScaledDegrees } from '../../../src/classify/detectors/location.js';
import { inspectBody } from '../../../src/pipeline/inspect.js';
import { classifier, leaf, NOW, texts } from './helpers.js';

describe('China outline', () => {
  it.each([
    ['Beijing', 116.4074, 39.9042], ['Shanghai', 121.4737, 31.2304], ['Urumqi', 87.6168, 43.8256], ['Kashgar', 75.99, 39.47],
    ['Lhasa', 91.1, 29.65], ['Mohe', 122.5, 52.97], ['Heihe', 127.49, 50.24], ['Hunchun', 130.37, 42.86], ['Sanya', 109.5, 18.25],
    ['Hong Kong', 114.17, 22.3], ['Macau', 113.55, 22.15], ['Taipei', 121.56, 25.03], ['Jinghong', 100.8, 22.0], ['Yadong', 88.9, 27.5],
    ['the sea off Sanya', 109.2246, 18.0544], ['the sea south of Lingshui', 110.1, 18.2],
  ])('%s is inside', (_city, lng, lat) => expect(insideChina(lng, lat)).toBe(true));

  // The coarse box of DOMAIN §5 covers all of these.
  it.each([
    ['Seoul', 126.978, 37.5665], ['Pyongyang', 125.75, 39.03], ['Osaka', 135.5, 34.69], ['Vladivostok', 131.89, 43.12],
    ['Ulaanbaatar', 106.9, 47.9], ['Almaty', 76.95, 43.24], ['Islamabad', 73.05, 33.7], ['Delhi', 77.2, 28.6],
    ['Kathmandu', 85.3, 27.7], ['Thimphu', 89.64, 27.47], ['Dhaka', 90.4, 23.8], ['Hanoi', 105.85, 21.03], ['Hue', 107.59, 16.46], ['Ha Long', 107.08, 20.95],
    ['Bangkok', 100.5, 13.75], ['Manila', 120.98, 14.6], ['Kuala Lumpur', 101.7, 3.1], ['Singapore', 103.8, 1.35],
  ])('%s is outside', (_city, lng, lat) => expect(insideChina(lng, lat)).toBe(false));
});

describe('location pieces', () => {
  it.each([['31.2304', 31.2304, 4], [' 121.473701 ', 121.473701, 6], ['-33.9', -33.9, 1]])('parses %j', (s, value, decimals) => {
    expect(parseDecimal(s)).toEqual({ value, decimals });
  });
  it.each(['1.2.3', '31', 'abc', '1e5', '1234.5678'])('not a coordinate number: %j', (s) => expect(parseDecimal(s)).toBeUndefined());

  it.each([
    [31.2304, 4, 121.4737, 4, true], [121.4737, 4, 31.2304, 4, true], [31.23, 2, 121.47, 2, false], [31.23, 2, 121.4737, 4, true],
    [37.5665, 4, 126.978, 3, false], [13.7563, 4, 100.5018, 4, false], [31.2304, 4, 31.2305, 4, false],
  ])('pair %s/%s · %s/%s → %s', (a, da, b, db, ok) => {
    expect(isChinaPair({ value: a, decimals: da }, { value: b, decimals: db })).toBe(ok);
  });

  it.each([
    ['lat', 'lat'], ['latitude', 'lat'], ['pickupLat', 'lat'], ['gps_lat', 'lat'], ['纬度', 'lat'], ['lng', 'lng'], ['lon', 'lng'],
    ['longitude', 'lng'], ['userLongitude', 'lng'], ['经度', 'lng'], ['flat', undefined], ['salon', undefined], ['float', undefined],
    ['catalog', undefined], ['belong', undefined],
    ['latitude_deg', 'lat'], ['lng_wgs84', 'lng'], ['lat_gcj02', 'lat'], ['geo[lat]', 'lat'], ['pos[lng]', 'lng'],
    ['dropoffLatLng', undefined], ['add', undefined],
    // GIS's {"x": lng, "y": lat}, the bare letters only.
    ['x', 'lng'], ['Y', 'lat'], ['offsetX', undefined], ['z', undefined], ['$latitude', 'lat'], ['$longitude', 'lng'],
  ])('key %s → %s', (key, axis) => expect(keyAxis(key)).toBe(axis));

  it.each([['coordinates', true], ['location', true], ['gps', true], ['track', true], ['lnglat', true], ['坐标', true], ['prices', false], ['size', false], ['dropoffLatLng', true],
    ['wgs84', true], ['gcj02', true], ['bd09ll', true], ['trackPoints', true], ['route_points', true], ['wgs84Coords', true],
    // 轨迹 and 坐标 in pinyin.
    ['guiji', true], ['zuobiao', true], ['userGuiji', true]])(
    'point array key %s → %s', (key, ok) => expect(isPointArrayKey(key)).toBe(ok),
  );
});

describe('axis key prefixes', () => {
  it.each([
    ['from_lat', 'from'], ['dropoffLongitude', 'dropoff'], ['geo[lat]', 'geo'], ['lat', ''], ['latitude_deg', ''],
    ['Pickup-Lng-WGS84', 'pickup'], ['起点纬度', '起点'], ['start.lon', 'start'], ['x', ''], ['y', ''],
  ])('%s → %j', (key, prefix) => expect(axisKeyPrefix(key)).toBe(prefix));
});

describe('locations in values', () => {
  it.each([
    ['19.834168,110.070381', ['19.834168,110.070381']], ['121.473701, 31.230416', ['121.473701, 31.230416']],
    ['POINT(121.4737 31.2304)', ['121.4737 31.2304']], ['31.2304°N, 121.4737°E', ['31.2304°N, 121.4737°E']], ['at 31.2304N, 121.4737E.', ['31.2304N, 121.4737E']],
    ['纬度31.2304，经度121.4737', ['31.2304，经度121.4737']], ['坐标：E116.4074，N39.9042', ['116.4074，N39.9042']], ['lat=31.2304&lng=121.4737', ['31.2304&lng=121.4737']],
    // An access log's query string with prefixed axis names.
    ['GET /api/v2/ride/estimate?from_lat=18.227831&from_lng=109.507225 200', ['18.227831&from_lng=109.507225']],
  ])('%s', (value, want) => expect(texts(value, 'pi.location')).toEqual(want));

  it.each([
    ['37.5665,126.9780', 'Seoul'], ['13.7563,100.5018', 'Bangkok'], ['-33.8688,151.2093', 'Sydney'], ['31.23,121.47', 'two decimals'],
    ['version 12.2841.0 build 121.4737', 'a version string'], ['¥31.2304 and ¥121.4737', 'not adjacent prices'],
    ['31.2304\n121.4737', 'different lines'], ['31.2304 12 121.4737', 'another number between'],
    ['单价 31.2345 元，总价 121.4567 元', 'two prices'], ['净重 31.2345 kg，体积 121.4567 L', 'two measures'],
    ['unit price 31.2345 USD, total 121.4567 USD', 'two amounts'],
  ])('no location in %s (%s)', (value) => expect(texts(value, 'pi.location')).toEqual([]));
});

describe('locations across sibling leaves', () => {
  const locs = (ls: ReturnType<typeof leaf>[]) =>
    classifier.classify(ls, NOW).filter((f) => f.category === 'pi.location').map((f) => [f.rule, ls[f.leafIndex]!.value]);

  it('lat/lng siblings, numbers or strings', () => {
    expect(locs([leaf('31.3607', 'lat', { location: '/pickup/lat', isNumber: true }), leaf('121.1614', 'lon', { location: '/pickup/lon', isNumber: true })])).toEqual([
      ['location.fields', '31.3607'], ['location.fields', '121.1614'],
    ]);
    expect(locs([leaf('31.2304', 'latitude', { location: '/a/0/latitude' }), leaf('121.47', 'longitude', { location: '/a/0/longitude' })])).toHaveLength(2);
  });

  it('GeoJSON [lng, lat] and tracks of points', () => {
    const track = [
      leaf('121.4737', 'coordinates', { location: '/geometry/coordinates/0/0' }), leaf('31.2304', 'coordinates', { location: '/geometry/coordinates/0/1' }),
      leaf('121.4801', 'coordinates', { location: '/geometry/coordinates/1/0' }), leaf('31.2299', 'coordinates', { location: '/geometry/coordinates/1/1' }),
    ];
    expect(locs(track)).toHaveLength(4);
  });

  it('points named by their datum, tracks of points and {x, y}', () => {
    const body = (json: string) => inspectBody(classifier, Buffer.from(json), 'application/json', NOW).findings
      .filter((f) => f.category === 'pi.location').map((f) => f.location);
    expect(body('{"last":{"wgs84":[39.90874,116.54294]},"trackPoints":[[25.00851,102.83713]]}')).toEqual([
      '/last/wgs84/0', '/last/wgs84/1', '/trackPoints/0/0', '/trackPoints/0/1',
    ]);
    expect(body('{"pos":{"y":30.708398,"x":114.229644,"accuracy":12.5}}')).toEqual(['/pos/y', '/pos/x']);
    // Halves in records of their own: key/value lists and OpenTelemetry's typed values.
    expect(body('{"p":[{"key":"lat","value":"31.2304"},{"key":"lng","value":"121.4737"}]}')).toEqual(['/p/0/value', '/p/1/value']);
    expect(body('{"a":[{"key":"geo.lon","value":{"doubleValue":113.9786}},{"key":"geo.lat","value":{"doubleValue":22.47328}}]}').sort()).toEqual([
      '/a/0/value/doubleValue', '/a/1/value/doubleValue',
    ]);
    // A tracker's two-letter axes, beside each other only.
    expect(body('{"imei":"869461240473037","la":43.718964,"lo":87.637261,"bat":35}')).toEqual(['/la', '/lo']);
    expect(body('{"la":43.718964,"lang":"zh"}')).toEqual([]);
    // A screen's point, a point abroad, a coarse one.
    expect(body('{"click":{"x":512.25,"y":288.5},"p":{"x":-0.127758,"y":51.507351},"q":{"x":114.2,"y":30.7}}')).toEqual([]);
  });

  it('two points in one object pair by what their keys name besides the axis', () => {
    const trip = (from: [string, string], to: [string, string], a = 'from_', b = 'to_') => [
      leaf(from[0], `${a}lat`, { location: `/${a}lat` }), leaf(from[1], `${a}lng`, { location: `/${a}lng` }),
      leaf(to[0], `${b}lat`, { location: `/${b}lat` }), leaf(to[1], `${b}lng`, { location: `/${b}lng` }),
    ];
    // Berlin to Shenzhen: the Shenzhen point only; Xi'an to Tokyo: Xi'an only.
    expect(locs(trip(['52.538779', '13.384228'], ['22.485148', '114.124041']))).toEqual([['location.fields', '22.485148'], ['location.fields', '114.124041']]);
    expect(locs(trip(['34.238941', '109.006711'], ['35.689487', '139.691711'], 'origin_', 'dest_'))).toEqual([
      ['location.fields', '34.238941'], ['location.fields', '109.006711'],
    ]);
    // A form repeats its keys once per point, a coarse one maybe first.
    expect(locs([
      leaf('31.22', 'lat', { location: '/lat' }), leaf('121.47', 'lng', { location: '/lng' }),
      leaf('28.782356', 'lat', { location: '/lat' }), leaf('120.47428', 'lng', { location: '/lng' }),
    ])).toEqual([['location.fields', '28.782356'], ['location.fields', '120.47428']]);
    // Halves whose prefixes differ still pair within their object.
    expect(locs([leaf('34.238941', 'userLat', { location: '/userLat' }), leaf('109.006711', 'lng', { location: '/lng' })])).toHaveLength(2);
  });

  it.each([
    [[leaf('31.2304', 'lat', { location: '/a/lat' }), leaf('121.4737', 'lng', { location: '/b/lng' })], 'different parents'],
    [[leaf('13.79459', 'lat', { location: '/lat' }), leaf('100.5074', 'lon', { location: '/lon' })], 'Bangkok'],
    [[leaf('31.23', 'lat', { location: '/lat' }), leaf('121.47', 'lng', { location: '/lng' })], 'two decimals'],
    [[leaf('31.2304', 'lat', { location: '/lat' })], 'a latitude alone'],
    [[leaf('121.4737', 'prices', { location: '/prices/0' }), leaf('31.2304', 'prices', { location: '/prices/1' })], 'not a point array'],
    [[leaf('1', 'coordinates', { location: '/c/0' }), leaf('121.4737', 'coordinates', { location: '/c/1' }), leaf('31.2304', 'coordinates', { location: '/c/2' }), leaf('5', 'coordinates', { location: '/c/3' })], 'a longer list'],
  ])('nothing for %#: %s', (ls) => expect(locs(ls)).toEqual([]));
});

describe('points under a reference key that is also a track\'s', () => {
  it('"trace" holds points as well as trace ids', () => {
    const found = (json: string) => inspectBody(classifier, Buffer.from(json), 'application/json', NOW).findings.filter((f) => f.category === 'pi.location').map((f) => f.location);
    expect(found('{"trace":["36.02125,120.46778","36.016523,120.4709"]}')).toEqual(['/trace/0', '/trace/1']);
    expect(inspectBody(classifier, Buffer.from('{"trace":"13812345678"}'), 'application/json', NOW).findings).toEqual([]);
  });
});

describe('a latitude and a longitude in XML elements named for their axes', () => {
  it.each([
    ['<xml><lat>29.588667</lat><lng>106.527541</lng></xml>', ['29.588667', '106.527541']],
    // WeChat's location message: each number is masked alone, so the tags survive.
    ['<xml><MsgType><![CDATA[location]]></MsgType><Location_X>29.588667</Location_X><Location_Y>106.560923</Location_Y><Scale>19</Scale></xml>', ['29.588667', '106.560923']],
    // Elements named for anything else are no axes.
    ['<xml><price>29.588667</price><amount>106.527541</amount></xml>', []],
  ])('%s → %j', (text, want) => expect(texts(text, 'pi.location')).toEqual(want));
});

describe("a tracker's hemisphere letters and a location history's E7 integers", () => {
  const found = (json: string) => inspectBody(classifier, Buffer.from(json), 'application/json', NOW).findings.filter((f) => f.category === 'pi.location').map((f) => f.location);
  it.each([
    ['{"lat":"N39.414655","lng":"E117.439298"}', ['/lat', '/lng']],
    ['{"lat":"31.380879N","lng":"120.586736E"}', ['/lat', '/lng']],
    ['{"latitudeE7": 298613470, "longitudeE7": 1215105970}', ['/latitudeE7', '/longitudeE7']],
    // The southern hemisphere, a letter on both sides, E7 integers outside China.
    ['{"lat":"S39.414655","lng":"E117.439298"}', []], ['{"lat":"N39.414655N","lng":"E117.439298"}', []],
    ['{"latitudeE7": 29861347, "longitudeE7": 121510597}', []],
  ])('%s → %j', (json, want) => expect(found(json)).toEqual(want));
  it('parses both forms', () => {
    expect(parseDecimal('W73.98')).toEqual({ value: -73.98, decimals: 2 });
    expect(parseScaledDegrees('298613470', 7)).toEqual({ value: 29.861347, decimals: 7 });
    expect(parseScaledDegrees('22547202', 6)).toEqual({ value: 22.547202, decimals: 6 });
    expect(parseScaledDegrees('29.86', 7)).toBeUndefined();
  });
});

describe('integer millionths of a degree under axis keys', () => {
  const found = (json: string) => inspectBody(classifier, Buffer.from(json), 'application/json', NOW).findings.filter((f) => f.category === 'pi.location').map((f) => f.location);
  it.each([
    ['{"lat":22547202,"lng":113929849}', ['/lat', '/lng']],
    ['{"longitude":120192032,"latitude":30359067}', ['/latitude', '/longitude']],
    // Outside China once scaled; integers under keys that name no axis.
    ['{"lat":47202,"lng":113929849}', []], ['{"lat":52547202,"lng":13929849}', []], ['{"id":22547202,"seq":113929849}', []],
  ])('%s → %j', (json, want) => expect(found(json)).toEqual(want));
});

describe("a survey control point's geodetic B and L", () => {
  const found = (json: string) => inspectBody(classifier, Buffer.from(json), 'application/json', NOW).findings.filter((f) => f.category === 'pi.location').map((f) => f.location);
  it.each([
    ['{"pointId":"DZ-E272","B":"40.04236104","L":"116.24101341","H":"16.056"}', ['/B', '/L']],
    // Lower case is a colour's Lab channels; L out of range.
    ['{"l":"40.04236104","b":"116.24101341"}', []], ['{"L":"53.2345","a":"12.1","b":"40.1234"}', []],
  ])('%s → %j', (json, want) => expect(found(json)).toEqual(want));
});
