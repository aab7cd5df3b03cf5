/**
 * Recordings longer than one feature request can hold (minutes, hours) are classified, not crashed: classic193 is
 * computed over equal chunks and averaged; a request over an engine's limit is a FeatureError (one line), not a bug.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VECTOR_WHOLE_SECONDS, EmotionModel, FeatureError, FeatureExtractor, vectorInChunks } from '../src/index.js';

const defaultModel = join(import.meta.dirname, '..', '..', '..', 'models', 'default');
const RATE = 16000;

function speechLike(seconds: number): Float32Array {
  const x = new Float32Array(seconds * RATE);
  let phase = 0;
  for (let i = 0; i < x.length; i++) {
    const t = i / RATE;
    phase += (2 * Math.PI * (140 + 40 * Math.sin(2 * Math.PI * 0.3 * t))) / RATE;
    x[i] = (0.2 + 0.15 * Math.sin(2 * Math.PI * 3 * t)) * (Math.sin(phase) + 0.4 * Math.sin(2 * phase));
  }
  return x;
}

describe('long recordings', () => {
  const fx = new FeatureExtractor();

  it('up to two minutes classic193 is the whole-signal vector; beyond, the length-weighted mean of equal chunks', () => {
    const short = speechLike(20);
    expect(vectorInChunks(fx, 'classic193', short, RATE)).toEqual(fx.classic193(short, RATE));
    const long = speechLike(VECTOR_WHOLE_SECONDS + 10); // 130 s: 3 chunks of 43.3 s
    const v = vectorInChunks(fx, 'classic193', long, RATE);
    const third = Math.ceil(long.length / 3);
    const parts = [0, 1, 2].map((k) => long.subarray(k * third, Math.min(long.length, (k + 1) * third)));
    const expected = new Float64Array(193);
    for (const p of parts) fx.classic193(p, RATE).forEach((x, i) => (expected[i]! += (x * p.length) / long.length));
    v.forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 4));
  });

  it.skipIf(!existsSync(join(defaultModel, 'card.json')))('a 6-minute recording is classified, with segments, in one call', async () => {
    const model = await EmotionModel.load(defaultModel);
    const audio = speechLike(360);
    const p = await model.predict({ samples: audio, sampleRate: RATE });
    expect(Object.values(p.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const t = await model.predictSegments({ samples: audio, sampleRate: RATE }, { window: 30, hop: 30 });
    expect(t.segments).toHaveLength(12);
    expect(t.overall.label).toBe(p.label);
    await model.dispose();
  }, 120_000);

  // The TypeScript engine has no fixed cap.
  it.skipIf(fx.engineName !== 'native')('a request over the native engine\'s memory cap is a FeatureError saying what to do', () => {
    expect(() => fx.compute(speechLike(400), RATE, ['tonnetz', 'chromaCqt', 'contrast', 'chromaStft', 'mfcc', 'mel'])).toThrow(FeatureError);
    expect(() => fx.compute(speechLike(400), RATE, ['tonnetz', 'chromaCqt', 'contrast', 'chromaStft', 'mfcc', 'mel'])).toThrow(/classify long recordings in windows/);
  });
});
