// The CQT's octave halvings run through features/ts/decimate.ts (FFT overlap-save) instead of the streaming
// resampler; both must give the same samples (up to float64 rounding under the float32 output).
import { describe, expect, it } from 'vitest';
import { resample } from '../src/audio/resample.js';
import { Decimator } from '../src/features/ts/decimate.js';

const OPTIONS = { rolloff: 0.9569, zeroCrossings: 64, kaiserBeta: 9 };

function noisySine(n: number): Float32Array {
  const x = new Float32Array(n);
  let seed = 3;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    x[i] = Math.sin(i * 0.3) + (seed / 2 ** 32 - 0.5);
  }
  return x;
}

describe('Decimator equals resample(y, factor, 1) of the same kernel', () => {
  for (const factor of [2, 4]) {
    for (const n of [1, 5, 300, 1001, 20000]) {
      it(`factor ${factor}, ${n} samples`, () => {
        const x = noisySine(n);
        const expected = resample(x, factor, 1, OPTIONS);
        const got = new Decimator(factor, OPTIONS).run(x);
        expect(got.length).toBe(expected.length);
        let worst = 0;
        for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - expected[i]!));
        expect(worst).toBeLessThan(1e-6);
      });
    }
  }

  it('applies the scale to the float32 samples and rejects factors that are not powers of two', () => {
    const x = noisySine(500);
    const plain = new Decimator(2, OPTIONS).run(x);
    const scaled = new Decimator(2, OPTIONS).run(x, Math.SQRT2);
    for (let i = 0; i < plain.length; i++) expect(scaled[i]).toBe(Math.fround(plain[i]! * Math.SQRT2));
    expect(() => new Decimator(3, OPTIONS)).toThrow(RangeError);
  });
});
