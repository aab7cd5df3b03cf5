// Both engines behind one API: the classic193 vector against librosa's for every fixture, native against the twin,
// and the fallback to TypeScript when the addon is missing.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLASSIC193_BLOCKS, FeatureError, FeatureExtractor, PRESETS, loadAudio } from '../src/index.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/librosa');
const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));

interface Fixture { sr: number; vector_193: number[] }
const readFixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Fixture;

const typescript = new FeatureExtractor({ engine: 'typescript' });
const auto = new FeatureExtractor({ onWarning: () => {} });
const engines = auto.engineName === 'native' ? [auto, typescript] : [typescript];

/** Max abs error of a block relative to the block's largest reference magnitude. */
function blockError(ours: Float32Array, ref: number[], from: number, to: number): number {
  let err = 0;
  let scale = 0;
  for (let i = from; i < to; i++) {
    err = Math.max(err, Math.abs(ours[i]! - ref[i]!));
    scale = Math.max(scale, Math.abs(ref[i]!));
  }
  return scale > 0 ? err / scale : err;
}

describe('classic193 equals librosa 0.10.1 per block', () => {
  it('found the fixtures', () => expect(fixtures.length).toBeGreaterThanOrEqual(12));
  for (const engine of engines) {
    for (const name of fixtures) {
      it(`${engine.engineName}: ${name}`, async () => {
        const fx = readFixture(name);
        const audio = await loadAudio(join(FIXTURES, `${name}.wav`));
        expect(audio.sampleRate).toBe(fx.sr);
        const v = engine.classic193(audio.samples, audio.sampleRate);
        const errors: Record<string, number> = {};
        for (const b of CLASSIC193_BLOCKS) {
          // Tonnetz is an absolute per-element bound (its values are small and the CQT resampler differs from soxr).
          const e = b.feature === 'tonnetz'
            ? Math.max(...Array.from({ length: b.to - b.from }, (_, i) => Math.abs(v[b.from + i]! - fx.vector_193[b.from + i]!)))
            : blockError(v, fx.vector_193, b.from, b.to);
          errors[b.feature] = e;
          expect(e, `${b.feature} block`).toBeLessThanOrEqual(b.feature === 'tonnetz' ? 1e-2 : 1e-3);
        }
        console.log(`classic193 ${engine.engineName} ${name}: ${Object.entries(errors).map(([k, e]) => `${k} ${e.toExponential(1)}`).join(', ')}`);
      });
    }
  }
});

describe.skipIf(engines.length < 2)('native and TypeScript engines agree', () => {
  for (const name of fixtures.slice(0, 6)) {
    it(`${name}: every feature`, async () => {
      const audio = await loadAudio(join(FIXTURES, `${name}.wav`));
      const features = ['stft', 'mel', 'mfcc', 'chromaStft', 'contrast', 'logmel', 'harmonic', 'chromaCqt', 'tonnetz'] as const;
      const a = auto.compute(audio.samples, audio.sampleRate, [...features]);
      const b = typescript.compute(audio.samples, audio.sampleRate, [...features]);
      for (const f of features) {
        const x = a[f]!;
        const y = b[f]!;
        expect([x.rows, x.cols]).toEqual([y.rows, y.cols]);
        let err = 0;
        let scale = 0;
        for (let i = 0; i < x.data.length; i++) {
          err = Math.max(err, Math.abs(x.data[i]! - y.data[i]!));
          scale = Math.max(scale, Math.abs(y.data[i]!));
        }
        // The tonal chain goes through two different resampler implementations (same filter design).
        const tolerance = f === 'logmel' ? 1e-5 : f === 'chromaCqt' || f === 'tonnetz' ? 1e-3 : 1e-4;
        expect(err / Math.max(scale, 1e-12), f).toBeLessThan(tolerance);
      }
      expect(a.tuning?.chromaStft).toBe(b.tuning?.chromaStft);
      expect(a.tuning?.chromaCqt).toBeCloseTo(b.tuning!.chromaCqt!, 9);
    });
  }
});

describe('FeatureExtractor', () => {
  it('logmel preset: 128 bands in dB, 10 ms frames, 80 dB range', async () => {
    const audio = await loadAudio(join(FIXTURES, 'speech_f_16k.wav'));
    const m = typescript.extract(audio.samples, 16000, 'logmel');
    expect(m.rows).toBe(128);
    expect(m.cols).toBe(1 + Math.floor(audio.samples.length / 160));
    const max = Math.max(...m.data);
    const min = Math.min(...m.data);
    expect(max - min).toBeLessThanOrEqual(80 + 1e-4);
    expect(PRESETS.logmel.request(16000).stft).toEqual({ nFft: 1024, hopLength: 160, winLength: 400, center: true });
  });

  it('rejects empty audio and a bad rate with FeatureError', () => {
    expect(() => typescript.classic193(new Float32Array(0), 16000)).toThrow(FeatureError);
    expect(() => typescript.classic193(new Float32Array(100), 5)).toThrow(/sampleRate/);
  });

  it('extractBatch equals one-by-one extraction', async () => {
    const audio = await loadAudio(join(FIXTURES, 'speech_m_normal.wav'));
    const items = [0, 1, 2].map((k) => ({ samples: audio.samples.subarray(k * 8000, k * 8000 + 24000), sampleRate: audio.sampleRate }));
    for (const engine of engines) {
      const batch = await engine.extractBatch(items, 'classic193');
      items.forEach((it, k) => expect(Array.from(batch[k] as Float32Array)).toEqual(Array.from(engine.classic193(it.samples, it.sampleRate))));
    }
  });
});

describe('engine choice', () => {
  const coreDist = join(import.meta.dirname, '../dist/index.js');
  const probe = `import('${coreDist}').then((m) => { const w = []; const a = new m.FeatureExtractor({ onWarning: (x) => w.push(x) });`
    + ` const b = new m.FeatureExtractor({ onWarning: (x) => w.push(x) }); console.log(JSON.stringify({ a: a.engineName, b: b.engineName, warnings: w.length, first: w[0] })); })`;

  it('falls back to the TypeScript engine with exactly one warning when the addon is missing', () => {
    const out = execFileSync(process.execPath, ['-e', probe], { env: { ...process.env, SER_NATIVE_PATH: '/nonexistent/ser_native.node' }, encoding: 'utf8' });
    const r = JSON.parse(out) as { a: string; b: string; warnings: number; first: string };
    expect(r).toMatchObject({ a: 'typescript', b: 'typescript', warnings: 1 });
    expect(r.first).toMatch(/native feature engine unavailable, using the TypeScript engine/);
  });

  it("engine: 'native' fails with a FeatureError that says what to do when the addon is missing", () => {
    const script = `import('${coreDist}').then((m) => { try { new m.FeatureExtractor({ engine: 'native' }); } catch (e) { console.log(e.name + ': ' + e.message); } })`;
    const out = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, SER_NATIVE_PATH: '/nonexistent/ser_native.node' }, encoding: 'utf8' });
    expect(out).toMatch(/^FeatureError: the native feature engine is unavailable/);
  });
});
