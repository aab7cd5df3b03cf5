// Parity with librosa 0.10.1: every fixture in test/fixtures/librosa, every feature the native kernels implement.
import { afterAll, describe, expect, it } from 'vitest';

import type { Matrix } from '../src/index.js';
import { fixtureNames, loadFixture, request, tryEngine } from './helpers.js';

const { engine } = tryEngine();

/** Max |got - ref| over ref's rows and its first `cols` columns (default: all), and max |ref| there. */
function compare(got: Matrix, ref: number[][], cols?: number): { err: number; max: number } {
  let err = 0;
  let max = 0;
  expect(got.rows).toBe(ref.length);
  ref.forEach((row, r) => {
    const n = cols ?? row.length;
    for (let c = 0; c < n; c++) {
      const v = row[c]!;
      max = Math.max(max, Math.abs(v));
      err = Math.max(err, Math.abs(got.data[r * got.cols + c]! - v));
    }
  });
  return { err, max };
}

/** librosa.power_to_db(S, ref=1, amin=1e-10, top_db=80) in float64. */
function powerToDb(s: number[][]): number[][] {
  const db = s.map((row) => row.map((v) => 10 * Math.log10(Math.max(1e-10, v))));
  const top = Math.max(...db.map((row) => Math.max(...row)));
  return db.map((row) => row.map((v) => Math.max(v, top - 80)));
}

const table: Record<string, Record<string, string>> = {};

describe.skipIf(!engine)('parity with the librosa 0.10.1 fixtures', () => {
  afterAll(() => {
    const cols = ['stft', 'mel', 'mfcc', 'logmel dB', 'chroma', 'contrast dB', 'tuning'];
    const lines = [['fixture', ...cols].map((c, i) => c.padEnd(i === 0 ? 18 : 12)).join(' ')];
    for (const [name, row] of Object.entries(table)) {
      lines.push([name.padEnd(18), ...cols.map((c) => (row[c] ?? '').padEnd(12))].join(' '));
    }
    console.log(
      'max errors per fixture (stft/mel/mfcc: relative to max |ref|; logmel, contrast: dB; chroma: absolute)\n' +
        lines.join('\n'),
    );
  });

  for (const name of fixtureNames()) {
    it(name, () => {
      const { fixture, samples, sampleRate } = loadFixture(name);
      expect(sampleRate).toBe(fixture.sr);
      expect(samples.length).toBe(fixture.n_samples);
      const result = engine!.compute(
        samples,
        sampleRate,
        request(sampleRate, ['stft', 'mel', 'mfcc', 'logmel', 'chromaStft', 'contrast']),
      );
      for (const m of [result.stft, result.mel, result.mfcc, result.logmel, result.chromaStft, result.contrast]) {
        expect(m?.cols).toBe(fixture.n_frames);
        expect(m?.data.length).toBe(m!.rows * m!.cols);
      }

      const stft = compare(result.stft!, fixture.stft_mag_first3, 3);
      const mel = compare(result.mel!, fixture.melspectrogram);
      const mfcc = compare(result.mfcc!, fixture.mfcc);
      const logmel = compare(result.logmel!, powerToDb(fixture.melspectrogram));
      const chroma = compare(result.chromaStft!, fixture.chroma_stft);
      const contrast = compare(result.contrast!, fixture.spectral_contrast);
      const tuning = result.tuning?.chromaStft;
      table[name] = {
        stft: (stft.err / stft.max).toExponential(2),
        mel: (mel.err / mel.max).toExponential(2),
        mfcc: (mfcc.err / mfcc.max).toExponential(2),
        'logmel dB': logmel.err.toExponential(2),
        chroma: chroma.err.toExponential(2),
        'contrast dB': contrast.err.toExponential(2),
        tuning: `${Number(tuning?.toPrecision(6))} = ${fixture.params.chroma_stft.tuning_estimated}`,
      };

      expect(stft.err).toBeLessThanOrEqual(1e-4 * stft.max);
      expect(mel.err).toBeLessThanOrEqual(1e-4 * mel.max);
      expect(mfcc.err).toBeLessThanOrEqual(1e-4 * mfcc.max);
      expect(logmel.err).toBeLessThanOrEqual(1e-3);
      expect(chroma.err).toBeLessThanOrEqual(1e-3);
      expect(contrast.err).toBeLessThanOrEqual(1e-3);
      // The histogram argmax must be exactly librosa's (the fixture rounds it to 6 significant digits).
      expect(tuning).toBeDefined();
      expect(Number(tuning!.toPrecision(6))).toBe(fixture.params.chroma_stft.tuning_estimated);
    });
  }

  it('uses a given tuning instead of estimating one', () => {
    const { fixture, samples, sampleRate } = loadFixture('speech_f_16k');
    const estimated = engine!.compute(samples, sampleRate, request(sampleRate, ['chromaStft']));
    const req = request(sampleRate, ['chromaStft']);
    req.chromaStft.tuning = fixture.params.chroma_stft.tuning_estimated;
    const given = engine!.compute(samples, sampleRate, req);
    expect(given.tuning?.chromaStft).toBe(fixture.params.chroma_stft.tuning_estimated);
    expect(compare(given.chromaStft!, fixture.chroma_stft).err).toBeLessThanOrEqual(1e-3);
    expect(compare(estimated.chromaStft!, fixture.chroma_stft).err).toBeLessThanOrEqual(1e-3);
  });
});

const tonalTable: Record<string, Record<string, string>> = {};

describe.skipIf(!engine)('tonal parity (HPSS harmonic -> chroma_cqt -> tonnetz) with librosa 0.10.1', () => {
  afterAll(() => {
    const lines = ['fixture            chroma_cqt   tonnetz      cqt tuning'];
    for (const [name, row] of Object.entries(tonalTable)) {
      lines.push([name.padEnd(18), row['chroma']!.padEnd(12), row['tonnetz']!.padEnd(12), row['tuning']].join(' '));
    }
    console.log('max absolute errors per fixture\n' + lines.join('\n'));
  });

  for (const name of fixtureNames()) {
    it(name, () => {
      const { fixture, samples, sampleRate } = loadFixture(name);
      const result = engine!.compute(samples, sampleRate, request(sampleRate, ['harmonic', 'chromaCqt', 'tonnetz']));
      expect(result.harmonic?.rows).toBe(1);
      expect(result.harmonic?.cols).toBe(samples.length);
      const chroma = compare(result.chromaCqt!, fixture.chroma_cqt_harmonic);
      const tonnetz = compare(result.tonnetz!, fixture.tonnetz);
      expect(result.chromaCqt?.cols).toBe(fixture.n_frames);
      expect(result.tonnetz?.cols).toBe(fixture.n_frames);
      tonalTable[name] = {
        chroma: chroma.err.toExponential(2),
        tonnetz: tonnetz.err.toExponential(2),
        tuning: result.tuning?.chromaCqt?.toFixed(2) ?? '-',
      };
      expect(chroma.err).toBeLessThanOrEqual(1e-3);
      expect(tonnetz.err).toBeLessThanOrEqual(2e-2);
    });
  }
});
