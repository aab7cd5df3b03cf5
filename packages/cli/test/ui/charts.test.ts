/** The terminal graphics: braille canvas, waveform, line chart, spectrogram cells and bars. */
import { describe, expect, it } from 'vitest';
import { horizontalBar, percent } from '../../src/ui/charts/bars.js';
import { BrailleCanvas, lineChartLines, waveformLines } from '../../src/ui/charts/braille.js';
import { SHADES, resampleGrid, spectrogramLines } from '../../src/ui/charts/spectrogram.js';
import { colourCodes, stripAnsi } from './helpers.js';

const dots = (line: string) => [...line].map((c) => c.charCodeAt(0) - 0x2800);

describe('BrailleCanvas', () => {
  it('maps each of the 8 dots of a cell to its Unicode bit', () => {
    const expected = [
      [0, 0, 0x01], [0, 1, 0x02], [0, 2, 0x04], [0, 3, 0x40],
      [1, 0, 0x08], [1, 1, 0x10], [1, 2, 0x20], [1, 3, 0x80],
    ];
    for (const [x, y, bit] of expected) {
      const c = new BrailleCanvas(1, 1);
      c.set(x!, y!);
      expect(dots(c.lines()[0]!)).toEqual([bit]);
    }
  });

  it('ignores dots outside and fills columns', () => {
    const c = new BrailleCanvas(2, 1);
    c.set(-1, 0);
    c.set(4, 0);
    c.column(3, 0, 3);
    expect(dots(c.lines()[0]!)).toEqual([0, 0x08 | 0x10 | 0x20 | 0x80]);
  });
});

describe('waveformLines', () => {
  it('fills from min to max, scaled to the peak, and draws silence as the centre line', () => {
    const min = new Float32Array([-0.5, 0, -0.5, 0]);
    const max = new Float32Array([0.5, 0, 0.5, 0]);
    const lines = waveformLines({ min, max }, 2, 2);
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => [...l].length === 2)).toBe(true);
    // Loud columns (0 and 2) reach the top and bottom rows; silent ones only touch the middle.
    const top = dots(lines[0]!);
    const bottom = dots(lines[1]!);
    expect(top[0]! & 0x01).toBeTruthy();
    expect(bottom[0]! & 0x40).toBeTruthy();
    expect(top[0]! & 0x08).toBe(0);
    expect(bottom[0]! & 0x80).toBe(0);
  });
});

describe('lineChartLines', () => {
  it('puts a rising series low on the left and high on the right', () => {
    const lines = lineChartLines([0, 1, 2, 3, 4], 5, 2);
    expect(dots(lines[1]!)[0]! & 0x40).toBeTruthy(); // bottom-left dot
    expect(dots(lines[0]!)[4]! & 0x08).toBeTruthy(); // top-right dot
  });

  it('leaves gaps for missing values and copes with one point or none', () => {
    const gap = lineChartLines([1, undefined, undefined, undefined, 1], 5, 1);
    expect(dots(gap[0]!).slice(1, 4).every((d) => d === 0)).toBe(true);
    expect(lineChartLines([0.5], 4, 2).join('')).not.toBe('⠀'.repeat(8));
    expect(lineChartLines([], 4, 2)).toEqual(['⠀⠀⠀⠀', '⠀⠀⠀⠀']);
  });
});

describe('spectrogram', () => {
  const spec = { data: new Float32Array([-80, -80, -80, 0, -80, 0, 0, 0]), bands: 2, frames: 4 };

  it('averages down and repeats up when resampling', () => {
    expect(Array.from(resampleGrid(spec, 1, 2))).toEqual([-60, -20]);
    expect(Array.from(resampleGrid({ data: new Float32Array([1, 2]), bands: 1, frames: 2 }, 1, 4))).toEqual([1, 1, 2, 2]);
  });

  it('without colour draws shade characters only, loud cells dark, the lowest band at the bottom', () => {
    const lines = spectrogramLines(spec, 4, 2, 'none');
    expect(colourCodes(lines.join(''))).toEqual([]);
    expect(lines.join('').split('').every((c) => (SHADES as readonly string[]).includes(c))).toBe(true);
    expect(lines[1]).toBe('   █'); // band 0 (bottom): loud only in the last frame
    expect(lines[0]).toBe(' ███'); // band 1 (top)
  });

  it('with 256 colours draws half blocks coloured by two bands each', () => {
    const lines = spectrogramLines(spec, 4, 1, '256');
    expect(lines).toHaveLength(1);
    expect(stripAnsi(lines[0]!)).toBe('▀▀▀▀');
    expect(lines[0]).toContain('38;5;');
    expect(lines[0]).toContain('48;5;');
    expect(colourCodes(spectrogramLines(spec, 4, 2, '16').join('')).length).toBeGreaterThan(0);
  });
});

describe('bars', () => {
  it('draws eighths of a cell and pads to the width', () => {
    expect(horizontalBar(0, 4)).toBe('    ');
    expect(horizontalBar(1, 4)).toBe('████');
    expect(horizontalBar(0.5, 4)).toBe('██  ');
    expect(horizontalBar(1 / 32, 4)).toBe('▏   ');
    expect(horizontalBar(Number.NaN, 3)).toBe('   ');
    expect(percent(0.6123)).toBe('61.2%');
  });
});
