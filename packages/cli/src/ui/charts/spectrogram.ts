/**
 * The log-mel spectrogram as terminal cells. With 256 colours each cell is an upper half block whose foreground and
 * background are two mel bands, doubling the vertical resolution; with 16 colours or none, each cell is one band drawn
 * as a shade character (the shade alone carries the intensity, so NO_COLOR loses nothing essential).
 */
import type { ColorMode } from '../theme.js';

/** dB values, row-major bands x frames, band 0 the lowest frequency. */
export interface Spectrogram {
  data: Float32Array;
  bands: number;
  frames: number;
}

export const SHADES = [' ', '░', '▒', '▓', '█'] as const;

/** A dark-to-bright heat ramp in the xterm 256-colour cube (black, purple, red, orange, yellow, white). */
const HEAT_256 = [16, 17, 54, 55, 90, 126, 125, 161, 160, 196, 202, 208, 214, 220, 226, 228, 230, 231];
/** The ramp in basic SGR foreground codes, one per shade level above silence. */
const HEAT_16 = [34, 35, 31, 93];

/** The dynamic range shown: the same 80 dB floor below the peak that the features use (`top_db`). */
const RANGE_DB = 80;

/** Mean of `spec` over a grid of `rows` x `cols` cells, row 0 the lowest band; upsampling repeats values. */
export function resampleGrid(spec: Spectrogram, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  const { bands, frames, data } = spec;
  if (bands === 0 || frames === 0) return out;
  for (let r = 0; r < rows; r++) {
    const b0 = Math.floor((r * bands) / rows);
    const b1 = Math.max(b0 + 1, Math.floor(((r + 1) * bands) / rows));
    for (let c = 0; c < cols; c++) {
      const f0 = Math.floor((c * frames) / cols);
      const f1 = Math.max(f0 + 1, Math.floor(((c + 1) * frames) / cols));
      let sum = 0;
      let n = 0;
      for (let b = b0; b < Math.min(b1, bands); b++) {
        for (let f = f0; f < Math.min(f1, frames); f++) {
          sum += data[b * frames + f]!;
          n++;
        }
      }
      out[r * cols + c] = n > 0 ? sum / n : 0;
    }
  }
  return out;
}

/** Maps dB to 0..1 between (peak - 80 dB) and the peak of the whole spectrogram. */
function normaliser(spec: Spectrogram): (db: number) => number {
  let peak = -Infinity;
  let low = Infinity;
  for (const v of spec.data) {
    if (v > peak) peak = v;
    if (v < low) low = v;
  }
  const floor = Math.max(low, peak - RANGE_DB);
  const span = peak - floor;
  return (db) => (span > 0 ? Math.max(0, Math.min(1, (db - floor) / span)) : 0);
}

const level = (t: number, levels: number) => Math.min(levels - 1, Math.floor(t * levels));

/** `height` lines of `width` cells; the top line is the highest frequency. */
export function spectrogramLines(spec: Spectrogram, width: number, height: number, mode: ColorMode): string[] {
  const w = Math.max(0, Math.floor(width));
  const h = Math.max(0, Math.floor(height));
  if (w === 0 || h === 0) return [];
  const norm = normaliser(spec);
  if (mode === '256' || mode === 'truecolor') {
    const grid = resampleGrid(spec, 2 * h, w);
    const lines: string[] = [];
    for (let line = 0; line < h; line++) {
      const upper = 2 * (h - line) - 1;
      const lower = upper - 1;
      let s = '';
      let last = '';
      for (let c = 0; c < w; c++) {
        const fg = HEAT_256[level(norm(grid[upper * w + c]!), HEAT_256.length)]!;
        const bg = HEAT_256[level(norm(grid[lower * w + c]!), HEAT_256.length)]!;
        const sgr = `\x1b[38;5;${fg};48;5;${bg}m`;
        // Only colour changes are written: a 100-cell line stays a few hundred bytes.
        if (sgr !== last) s += sgr;
        last = sgr;
        s += '▀';
      }
      lines.push(`${s}\x1b[0m`);
    }
    return lines;
  }
  const grid = resampleGrid(spec, h, w);
  const lines: string[] = [];
  for (let line = 0; line < h; line++) {
    const row = h - 1 - line;
    let s = '';
    let last = -1;
    for (let c = 0; c < w; c++) {
      const k = level(norm(grid[row * w + c]!), SHADES.length);
      if (mode === '16' && k !== last) s += k === 0 ? '\x1b[39m' : `\x1b[${HEAT_16[k - 1]}m`;
      last = k;
      s += SHADES[k];
    }
    lines.push(mode === '16' ? `${s}\x1b[39m` : s);
  }
  return lines;
}
