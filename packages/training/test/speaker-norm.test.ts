// Per-speaker standardisation: the same arithmetic in training (StandardScaler) and at inference (@ser/core's
// standardiseSpeaker), and augmented copies standardised with their source speaker's statistics.
import { standardiseSpeaker } from '@ser/core';
import { describe, expect, it } from 'vitest';
import type { Classifier, FitContext, Rows } from '../src/classifier.js';
import { crossValidate } from '../src/cross-validate.js';
import { StandardScaler, speakerScalers, standardizePerSpeaker } from '../src/scaler.js';

function rows(n: number, w: number, seed: number): Float32Array[] {
  let a = seed;
  const next = () => ((a = (a * 1103515245 + 12345) >>> 0) / 2 ** 32) * 200 - 100;
  return Array.from({ length: n }, () => Float32Array.from({ length: w }, (_, j) => (j === 2 ? 7.5 : next() * (j + 1))));
}

describe('per-speaker standardisation', () => {
  it("inference's standardiseSpeaker gives exactly training's StandardScaler values (a constant feature included)", () => {
    const x = rows(37, 11, 3);
    const core = standardiseSpeaker(x);
    const training = new StandardScaler().fitTransform(x);
    expect(core).toEqual(training);
    expect(core.every((r) => r[2] === 0)).toBe(true);
  });

  it('standardizePerSpeaker uses each speaker its own statistics', () => {
    const x = [...rows(5, 4, 1), ...rows(6, 4, 2)];
    const speakers = [...Array(5).fill('a'), ...Array(6).fill('b')];
    const out = standardizePerSpeaker(x, speakers);
    expect(out.slice(0, 5)).toEqual(standardiseSpeaker(x.slice(0, 5)));
    expect(out.slice(5)).toEqual(standardiseSpeaker(x.slice(5)));
    expect([...speakerScalers(x, speakers).keys()]).toEqual(['a', 'b']);
  });

  it('crossValidate: an augmented copy is standardised with its source speaker\'s statistics, like its source', async () => {
    const speakers = ['a', 'b', 'c'].flatMap((s) => Array<string>(8).fill(s));
    const x = rows(24, 5, 9).map((r, i) => r.map((v) => v + 1000 * speakers[i]!.charCodeAt(0)));
    const emotions = x.map((_, i) => (i % 2 === 0 ? 'angry' : 'sad'));
    // Copies identical to their sources: after standardisation they must equal the source rows the model sees.
    const source = [0, 9, 17];
    const seen: Rows[] = [];
    const model = (): Classifier => ({
      name: 'spy',
      params: {},
      fit: async (trainX: Rows, _y: readonly number[], _c: FitContext) => {
        seen.push(trainX);
      },
      predictProba: async (t: Rows) => t.map(() => [0.5, 0.5]),
    });
    await crossValidate({ x, speakers, emotions, augmented: { source, x: source.map((i) => Float32Array.from(x[i]!)) } }, { protocol: 'loso', model, speakerNorm: true });
    expect(seen).toHaveLength(3);
    for (const trainX of seen) {
      const real = trainX.slice(0, 16);
      const copies = trainX.slice(16);
      expect(copies.length).toBe(2);
      for (const c of copies) expect(real.some((r) => r.every((v, j) => Math.abs(v - c[j]!) < 1e-6))).toBe(true);
    }
  });
});
