/**
 * Braille dot graphics: each terminal cell holds 2 x 4 dots, so a plot gets twice the columns and four times the
 * rows of the cells it occupies, in plain text that survives NO_COLOR, copy-paste and `tmux capture-pane`.
 */

const BRAILLE_BASE = 0x2800;
/** Dot bits of a braille cell, indexed [row][column] (Unicode's dot numbering is not row-major). */
const DOT_BITS = [
  [0x01, 0x08],
  [0x02, 0x10],
  [0x04, 0x20],
  [0x40, 0x80],
] as const;

export class BrailleCanvas {
  readonly width: number;
  readonly height: number;
  readonly #cells: Uint8Array;

  /** `width` x `height` terminal cells, i.e. 2 width x 4 height dots. */
  constructor(width: number, height: number) {
    this.width = Math.max(0, Math.floor(width));
    this.height = Math.max(0, Math.floor(height));
    this.#cells = new Uint8Array(this.width * this.height);
  }

  get dotsWide(): number {
    return this.width * 2;
  }

  get dotsHigh(): number {
    return this.height * 4;
  }

  /** Sets the dot at (x, y), y = 0 at the top; dots outside the canvas are ignored. */
  set(x: number, y: number): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.dotsWide || yi >= this.dotsHigh) return;
    const cell = (yi >> 2) * this.width + (xi >> 1);
    this.#cells[cell]! |= DOT_BITS[yi & 3]![xi & 1]!;
  }

  /** Sets every dot of column x between rows y0 and y1 inclusive. */
  column(x: number, y0: number, y1: number): void {
    const lo = Math.round(Math.min(y0, y1));
    const hi = Math.round(Math.max(y0, y1));
    for (let y = lo; y <= hi; y++) this.set(x, y);
  }

  lines(): string[] {
    const out: string[] = [];
    for (let r = 0; r < this.height; r++) {
      let s = '';
      for (let c = 0; c < this.width; c++) s += String.fromCharCode(BRAILLE_BASE + this.#cells[r * this.width + c]!);
      out.push(s);
    }
    return out;
  }
}

/** Min/max envelope of a signal: `min[i]`, `max[i]` over the i-th of equal slices of the samples. */
export interface Envelope {
  min: Float32Array;
  max: Float32Array;
}

/**
 * The waveform as braille: each dot column spans its share of the envelope's bins and is filled from their minimum
 * to their maximum, scaled so the loudest sample reaches the edge (the level itself is printed beside it).
 */
export function waveformLines(env: Envelope, width: number, height: number): string[] {
  const canvas = new BrailleCanvas(width, height);
  const bins = env.min.length;
  const cols = canvas.dotsWide;
  const rows = canvas.dotsHigh;
  if (bins === 0 || cols === 0 || rows === 0) return canvas.lines();
  let peak = 0;
  for (let i = 0; i < bins; i++) peak = Math.max(peak, Math.abs(env.min[i]!), Math.abs(env.max[i]!));
  const scale = peak > 0 ? 1 / peak : 0;
  const toY = (a: number) => ((1 - a * scale) / 2) * (rows - 1);
  for (let x = 0; x < cols; x++) {
    const from = Math.floor((x * bins) / cols);
    const to = Math.max(from + 1, Math.floor(((x + 1) * bins) / cols));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i < Math.min(to, bins); i++) {
      lo = Math.min(lo, env.min[i]!);
      hi = Math.max(hi, env.max[i]!);
    }
    // Silence still draws the centre line, so an empty stretch reads as silence rather than as missing data.
    canvas.column(x, toY(Number.isFinite(hi) ? hi : 0), toY(Number.isFinite(lo) ? lo : 0));
  }
  return canvas.lines();
}

export interface LineChartOptions {
  /** Value at the bottom edge (default: the series' minimum). */
  min?: number;
  /** Value at the top edge (default: the series' maximum). */
  max?: number;
}

/**
 * A line chart of `values` (x = index) stretched over the canvas, with consecutive points joined by vertical runs so
 * steep changes stay connected. Missing values (undefined or NaN) leave gaps.
 */
export function lineChartLines(values: readonly (number | undefined)[], width: number, height: number, options: LineChartOptions = {}): string[] {
  const canvas = new BrailleCanvas(width, height);
  const finite = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (finite.length === 0 || canvas.dotsWide === 0 || canvas.dotsHigh === 0) return canvas.lines();
  const lo = options.min ?? Math.min(...finite);
  const hi = options.max ?? Math.max(...finite);
  const span = hi - lo;
  const rows = canvas.dotsHigh;
  const toY = (v: number) => (span > 0 ? (1 - (Math.min(hi, Math.max(lo, v)) - lo) / span) * (rows - 1) : (rows - 1) / 2);
  const n = values.length;
  if (n === 1) {
    canvas.set(0, toY(finite[0]!));
    return canvas.lines();
  }
  const cols = canvas.dotsWide;
  const sampleAt = (x: number): number | undefined => {
    // Linear interpolation between the two nearest points; a gap on either side stays a gap.
    const t = cols > 1 ? (x * (n - 1)) / (cols - 1) : 0;
    const i = Math.floor(t);
    const a = values[i];
    const b = values[Math.min(n - 1, i + 1)];
    if (a === undefined || !Number.isFinite(a)) return undefined;
    if (b === undefined || !Number.isFinite(b)) return t === i ? a : undefined;
    return a + (b - a) * (t - i);
  };
  let prev: number | undefined;
  for (let x = 0; x < cols; x++) {
    const v = sampleAt(x);
    if (v === undefined) {
      prev = undefined;
      continue;
    }
    const y = toY(v);
    if (prev === undefined) canvas.set(x, y);
    else canvas.column(x, prev, y);
    prev = y;
  }
  return canvas.lines();
}
