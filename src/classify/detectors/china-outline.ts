/**
 * A simplified outline of China (mainland with Hainan, Taiwan, Hong Kong and Macau; the
 * Paracels as a box) for telling a location inside China from one in a neighbouring country
 * that the coarse bounding box also covers (Seoul, Bangkok, Hanoi, Kathmandu, Ulaanbaatar…).
 * About 130 vertices, good to a few tens of kilometres: enough for cities, not for surveying.
 * Vertices are [lng, lat], clockwise from the Amur near Mohe.
 */
const OUTLINE: ReadonlyArray<readonly [number, number]> = [
  // Russia, along the Amur and the Ussuri
  [121.2, 53.3], [123.3, 53.56], [124.8, 53.15], [126.0, 52.8], [126.7, 51.4], [127.0, 51.0], [127.55, 50.2],
  [128.9, 49.5], [130.5, 48.9], [132.5, 47.7], [133.5, 48.1], [134.3, 48.42], [134.75, 48.4], [134.2, 47.3],
  [133.8, 46.5], [133.5, 46.0], [133.1, 45.1], [131.9, 45.3], [130.95, 44.9], [131.3, 44.05],
  [131.05, 43.0], [130.8, 42.5], [130.65, 42.3],
  // North Korea, along the Tumen and the Yalu
  [130.2, 42.7], [129.9, 42.95], [129.3, 42.45], [128.9, 42.05], [128.05, 41.95], [128.3, 41.6],
  [128.35, 41.4], [128.0, 41.35], [127.3, 41.45],
  [126.5, 41.35], [126.0, 40.9], [125.0, 40.45], [124.35, 40.05], [124.1, 39.8],
  // Yellow Sea and East China Sea, round Taiwan
  [122.8, 37.3], [122.8, 30.8], [122.9, 29.8], [122.3, 27.5], [122.2, 25.6], [122.0, 24.0],
  [121.2, 21.8], [120.6, 21.7],
  // South China Sea coast, Hainan, Gulf of Tonkin; off the coast by some tens of kilometres, as
  // a city's coordinates are jittered (the sea off Sanya, 18.05 N 109.22 E)
  [116.0, 20.5], [114.5, 21.8], [113.0, 21.5], [111.5, 20.8], [111.5, 19.6], [110.4, 17.7],
  [109.2, 17.6], [108.3, 18.4], [108.4, 19.5], [108.1, 21.3], [108.0, 21.5],
  // Vietnam, Laos, Myanmar
  [107.2, 21.7], [106.7, 22.0], [106.6, 22.4], [106.2, 22.9], [105.5, 23.2], [104.8, 22.8],
  [104.0, 22.5], [103.0, 22.6], [102.2, 22.4], [101.8, 22.5], [101.6, 22.2], [101.7, 21.15],
  [101.2, 21.3], [100.5, 21.45], [100.1, 21.7], [99.95, 22.05], [99.2, 22.1], [99.4, 22.9],
  [98.9, 23.2], [98.7, 23.9], [97.7, 23.9], [97.55, 24.75], [97.7, 25.3], [98.2, 25.6],
  [98.65, 25.9], [98.7, 26.7], [98.65, 27.6], [98.3, 27.55], [97.6, 28.3], [97.35, 28.2],
  // India (the line China holds), Bhutan, Sikkim, Nepal
  [96.0, 27.35], [95.5, 27.25], [94.0, 27.0], [92.0, 26.85], [91.6, 27.05], [91.6, 27.8],
  [90.3, 28.25], [89.6, 28.2], [89.2, 27.6], [88.9, 27.3], [88.8, 28.0], [88.1, 27.9],
  [87.0, 28.0], [86.0, 27.95], [85.3, 28.3], [84.8, 28.6], [84.1, 29.0], [83.4, 29.4],
  [82.8, 29.9], [82.2, 30.1], [81.2, 30.4], [80.25, 30.45],
  // India (Ladakh), Pakistan, Afghanistan, Tajikistan, Kyrgyzstan
  [79.5, 30.9], [78.8, 31.3], [78.7, 32.5], [79.3, 33.0], [78.6, 33.9], [78.1, 34.6],
  [78.0, 35.4], [77.8, 35.5], [76.2, 36.0], [75.4, 36.9], [74.7, 37.1], [74.9, 37.4],
  [74.9, 38.5], [74.4, 38.7], [73.8, 39.3], [73.5, 39.45], [74.0, 40.0], [75.5, 40.6],
  [76.5, 40.4], [77.7, 41.0], [78.7, 41.5], [80.2, 42.2],
  // Kazakhstan
  [80.3, 43.0], [80.8, 43.2], [80.4, 44.2], [80.7, 45.2], [82.3, 45.5], [82.6, 46.2],
  [83.0, 47.2], [85.5, 47.1], [85.7, 48.3], [86.7, 49.0], [87.3, 49.15],
  // Mongolia
  [88.1, 48.6], [90.0, 47.9], [90.8, 46.7], [91.0, 45.6], [92.5, 45.0], [93.5, 44.95],
  [95.3, 44.3], [96.4, 42.8], [97.2, 42.8], [100.0, 42.65], [101.8, 42.5], [103.8, 41.8],
  [105.0, 41.6], [107.0, 42.4], [109.5, 42.45], [110.5, 42.9], [111.9, 43.7], [113.0, 44.5],
  [114.5, 45.3], [116.0, 45.8], [117.5, 46.6], [119.0, 46.7], [119.9, 47.0], [119.7, 47.2],
  [118.5, 47.95], [117.8, 47.9], [116.6, 47.8], [115.5, 47.9], [116.7, 49.85],
  // Russia, along the Argun
  [117.8, 49.5], [119.3, 50.2], [120.0, 51.5],
];

/** The Paracel Islands (Sansha). */
const PARACELS = { lngMin: 111.1, lngMax: 112.9, latMin: 15.7, latMax: 17.2 };

const XS = Float64Array.from(OUTLINE, (p) => p[0]);
const YS = Float64Array.from(OUTLINE, (p) => p[1]);

/** Whether [lng, lat] lies inside the outline (ray casting). */
export function insideChina(lng: number, lat: number): boolean {
  if (lng >= PARACELS.lngMin && lng <= PARACELS.lngMax && lat >= PARACELS.latMin && lat <= PARACELS.latMax) return true;
  let inside = false;
  const n = XS.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const yi = YS[i]!;
    const yj = YS[j]!;
    if (yi > lat !== yj > lat) {
      const x = ((XS[j]! - XS[i]!) * (lat - yi)) / (yj - yi) + XS[i]!;
      if (lng < x) inside = !inside;
    }
  }
  return inside;
}
