/**
 * The spectrogram's colour map: viridis (matplotlib's default), perceptually uniform and readable by most colour-blind
 * people. Its dark end is a deep purple and its bright end yellow, so the image reads the same on light and dark
 * pages; it is drawn inside a border rather than blended with the page. Nine evenly spaced points of it (R's
 * `viridis(9)`), interpolated linearly.
 */
const STOPS: readonly [number, number, number][] = [
  [0x44, 0x01, 0x54],
  [0x47, 0x2d, 0x7b],
  [0x3b, 0x52, 0x8b],
  [0x2c, 0x72, 0x8e],
  [0x21, 0x90, 0x8c],
  [0x27, 0xad, 0x81],
  [0x5d, 0xc8, 0x63],
  [0xaa, 0xdc, 0x32],
  [0xfd, 0xe7, 0x25],
];

/** 256 RGB triples, entry i for byte value i: what the API's spectrogram bytes index directly. */
export const VIRIDIS_LUT: Uint8Array = (() => {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const x = (i / 255) * (STOPS.length - 1);
    const k = Math.min(STOPS.length - 2, Math.floor(x));
    const t = x - k;
    const a = STOPS[k]!;
    const b = STOPS[k + 1]!;
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(a[c]! + (b[c]! - a[c]!) * t);
  }
  return lut;
})();

/** The same map as a CSS gradient, for the colour scale beside the image. */
export const VIRIDIS_GRADIENT = `linear-gradient(to right, ${STOPS.map(([r, g, b]) => `rgb(${r} ${g} ${b})`).join(', ')})`;
