/** The pure pieces behind the file view: envelope, reduced spectrogram, time axis, dominant label, the analysis cache. */
import { describe, expect, it } from 'vitest';
import { computeEnvelope, reduceSpectrogram } from '../../src/ui/analysis-session.js';
import { LruMap } from '../../src/ui/lru.js';
import { dominantPerColumn, timeAxis } from '../../src/ui/views/plots.js';
import { errorLine } from '../../src/ui/analyzer.js';
import { AudioDecodeError } from '@ser/core';

describe('computeEnvelope', () => {
  it('gives min and max of each equal slice, and copes with fewer samples than bins', () => {
    const env = computeEnvelope(new Float32Array([0, 1, -1, 0.5, 0.25, -0.5]), 3);
    expect(Array.from(env.min)).toEqual([0, -1, -0.5]);
    expect(Array.from(env.max)).toEqual([1, 0.5, 0.25]);
    expect(computeEnvelope(new Float32Array([0.5]), 1024).min.length).toBe(1);
  });
});

describe('reduceSpectrogram', () => {
  it('averages bands and frames down, never up', () => {
    const m = { data: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]), rows: 2, cols: 4 };
    expect(reduceSpectrogram(m, 1, 2)).toEqual({ data: new Float32Array([3.5, 5.5]), bands: 1, frames: 2 });
    expect(reduceSpectrogram(m, 40, 1024).frames).toBe(4);
  });
});

describe('timeAxis', () => {
  it('labels nice steps without crowding, within the width', () => {
    expect(timeAxis(4, 48)).toMatch(/^┴0s +┴1s +┴2s +┴3s +$/);
    const long = timeAxis(600, 60);
    expect(long.length).toBe(60);
    expect(long.startsWith('┴0s')).toBe(true);
    expect(timeAxis(1.9, 80)).toContain('┴0.5s');
  });
});

describe('dominantPerColumn', () => {
  it('takes, per instant, the label of the mean scores of the segments covering it', () => {
    const seg = (start: number, end: number, angry: number) => ({ start, end, label: angry > 0.5 ? 'angry' : 'sad', scores: { angry, sad: 1 - angry } });
    const cols = dominantPerColumn([seg(0, 3, 0.9), seg(1, 4, 0.2)], ['angry', 'sad'], 4, 4);
    // 0.5 s: only the first (angry); 1.5 s and 2.5 s: mean 0.55 angry; 3.5 s: only the second (sad).
    expect(cols).toEqual(['angry', 'angry', 'angry', 'sad']);
  });
});

describe('LruMap', () => {
  it('forgets the least recently used entry beyond its limit', () => {
    const m = new LruMap<string, number>(2);
    m.set('a', 1).set('b', 2);
    expect(m.get('a')).toBe(1);
    m.set('c', 3);
    expect([m.has('a'), m.has('b'), m.has('c'), m.size]).toEqual([true, false, true, 2]);
  });
});

describe('errorLine', () => {
  it('keeps our messages and marks anything else as a bug, in one line', () => {
    expect(errorLine(new AudioDecodeError('/a.wav', 'no such file; check the path'))).toBe('/a.wav: no such file; check the path');
    expect(errorLine(new TypeError('x is undefined\n    at foo (bar.js:1:1)'))).toBe('internal error: x is undefined (a bug in ser; please report it)');
  });
});
