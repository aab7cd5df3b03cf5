// The TypeScript twin's spectral features against librosa 0.10.1 (test/fixtures/librosa): STFT, mel, log-mel, MFCC,
// chroma_stft with its estimated tuning, spectral contrast and their classic193 means; our FFT against a naive DFT;
// and the edge cases (short, silent, other framings) that must stay finite and well shaped.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadAudio } from '../src/audio/load.js';
import { defaultRequest, type FeatureEngine, type StftParams } from '../src/features/types.js';
import { chromaFilterbank, chromaStft } from '../src/features/ts/chroma-stft.js';
import { spectralContrast } from '../src/features/ts/contrast.js';
import { powerToDb } from '../src/features/ts/db.js';
import { Fft } from '../src/features/ts/fft.js';
import { melFilterbank, melSpectrogram } from '../src/features/ts/mel.js';
import { mfccFromLogMel } from '../src/features/ts/mfcc.js';
import { magnitude32, magnitudeValues, power, stft } from '../src/features/ts/stft.js';
import { estimateTuningFromSpectrum, pitchTuning } from '../src/features/ts/tuning.js';
import { hannPeriodic, padCenter } from '../src/features/ts/window.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/librosa');
const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));

interface Fixture {
  sr: number;
  n_frames: number;
  params: {
    stft: { n_fft: number; hop_length: number; win_length: number; center: boolean };
    melspectrogram: { power: number; n_mels: number; fmin: number; fmax: number; htk: boolean; norm: 'slaney' | null };
    mfcc: { n_mfcc: number };
    chroma_stft: { n_chroma: number; tuning_estimated: number };
    spectral_contrast: { fmin: number; n_bands: number; quantile: number };
  };
  stft_mag_first3: number[][];
  melspectrogram: number[][];
  mfcc: number[][];
  chroma_stft: number[][];
  spectral_contrast: number[][];
  vector_193: number[];
}

const readFixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Fixture;

/** power_to_db(S, ref=1.0, amin=1e-10, top_db=80): what the fixtures' MFCC input (and our log-mel) use. */
const DB = { amin: 1e-10, topDb: 80 };

/** Everything our spectral modules compute for one signal, [rows][frames] in float64. */
function spectralFeatures(y: Float32Array, sr: number, fx: Fixture['params']) {
  const framing: StftParams = { nFft: fx.stft.n_fft, hopLength: fx.stft.hop_length, winLength: fx.stft.win_length, center: fx.stft.center };
  const spec = stft(y, framing);
  const { nBins, nFrames } = spec;
  const mag = magnitudeValues(spec);
  const m = fx.melspectrogram;
  const fb = melFilterbank(sr, framing.nFft, { nMels: m.n_mels, fmin: m.fmin, fmax: m.fmax, htk: m.htk, norm: m.norm });
  const mel = melSpectrogram(power(spec, m.power), fb, m.n_mels, nFrames);
  const logMel = powerToDb(mel, DB);
  const mfcc = mfccFromLogMel(logMel, m.n_mels, nFrames, fx.mfcc.n_mfcc);
  const chroma = chromaStft(mag, nBins, nFrames, sr, { nChroma: fx.chroma_stft.n_chroma, tuning: null }, magnitude32(spec));
  const c = fx.spectral_contrast;
  const contrast = spectralContrast(mag, nBins, nFrames, sr, { fmin: c.fmin, nBands: c.n_bands, quantile: c.quantile });
  return { nBins, nFrames, mag, mel, logMel, mfcc, chroma: chroma.chroma, tuning: chroma.tuning, contrast };
}

/** Max abs difference between ours (row-major, `cols` wide, first `ref[0].length` columns) and a reference. */
function maxAbsError(ours: Float64Array, cols: number, ref: number[][]): { err: number; scale: number } {
  let err = 0;
  let scale = 0;
  ref.forEach((row, r) =>
    row.forEach((v, c) => {
      err = Math.max(err, Math.abs(ours[r * cols + c]! - v));
      scale = Math.max(scale, Math.abs(v));
    }),
  );
  return { err, scale };
}

function rowMeans(x: Float64Array, rows: number, cols: number): number[] {
  return Array.from({ length: rows }, (_, r) => {
    let s = 0;
    for (let t = 0; t < cols; t++) s += x[r * cols + t]!;
    return s / cols;
  });
}

function allFinite(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

describe('FFT against a naive O(n^2) DFT', () => {
  /** The DFT of x + i*xi with exact twiddle angles (j*k mod n), in float64. */
  function naiveDft(xr: Float64Array, xi: Float64Array): [Float64Array, Float64Array] {
    const n = xr.length;
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let sr = 0;
      let si = 0;
      for (let j = 0; j < n; j++) {
        const a = (2 * Math.PI * ((j * k) % n)) / n;
        const c = Math.cos(a);
        const s = -Math.sin(a);
        sr += xr[j]! * c - xi[j]! * s;
        si += xr[j]! * s + xi[j]! * c;
      }
      re[k] = sr;
      im[k] = si;
    }
    return [re, im];
  }

  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };

  for (const n of [1, 2, 3, 5, 8, 12, 97, 256, 1000, 2048]) {
    it(`n = ${n}: realForward, complexForward and realInverse`, () => {
      const fft = new Fft(n);
      const x = Float64Array.from({ length: n }, random);
      const xi = Float64Array.from({ length: n }, random);
      const half = (n >> 1) + 1;
      const [refRe, refIm] = naiveDft(x, new Float64Array(n));
      const re = new Float64Array(half);
      const im = new Float64Array(half);
      fft.realForward(x, re, im);
      let err = 0;
      let scale = 0;
      for (let k = 0; k < half; k++) {
        err = Math.max(err, Math.abs(re[k]! - refRe[k]!), Math.abs(im[k]! - refIm[k]!));
        scale = Math.max(scale, Math.abs(refRe[k]!), Math.abs(refIm[k]!));
      }
      expect(err / scale).toBeLessThan(1e-9);

      const [cRe, cIm] = naiveDft(x, xi);
      const zr = x.slice();
      const zi = xi.slice();
      fft.complexForward(zr, zi);
      err = 0;
      scale = 0;
      for (let k = 0; k < n; k++) {
        err = Math.max(err, Math.abs(zr[k]! - cRe[k]!), Math.abs(zi[k]! - cIm[k]!));
        scale = Math.max(scale, Math.abs(cRe[k]!), Math.abs(cIm[k]!));
      }
      expect(err / scale).toBeLessThan(1e-9);

      // irfft(rfft(x)) == x; a second call on the same instance must give the same answer (scratch reuse)
      const back = new Float64Array(n);
      for (let pass = 0; pass < 2; pass++) {
        fft.realInverse(re, im, back);
        for (let j = 0; j < n; j++) expect(Math.abs(back[j]! - x[j]!)).toBeLessThan(1e-12);
      }
    });
  }

  it('realInverse ignores the imaginary parts of the DC and Nyquist bins, as numpy.fft.irfft does', () => {
    const fft = new Fft(8);
    const re = Float64Array.from([1, 2, 3, 4, 5]);
    const out1 = new Float64Array(8);
    const out2 = new Float64Array(8);
    fft.realInverse(re, Float64Array.from([0, 1, -1, 2, 0]), out1);
    fft.realInverse(re, Float64Array.from([7, 1, -1, 2, -3]), out2);
    expect(Array.from(out2)).toEqual(Array.from(out1));
  });

  it('rejects a length below 1', () => {
    expect(() => new Fft(0)).toThrow(RangeError);
  });
});

describe('window', () => {
  it('periodic Hann as scipy get_window(fftbins=True), centred by pad_center', () => {
    const w = hannPeriodic(2048);
    expect(w[0]).toBeCloseTo(0, 15);
    expect(w[1024]).toBe(1);
    expect(w[1]).toBeCloseTo(2.35309521190441e-6, 18);
    expect(w[2047]).toBeCloseTo(w[1]!, 18);
    expect(Array.from(hannPeriodic(1))).toEqual([1]);
    const padded = padCenter(hannPeriodic(4), 9);
    expect(Array.from(padded)).toEqual([0, 0, 0, 0.5, 1, 0.5, 0, 0, 0]);
  });
});

describe('spectral features equal librosa 0.10.1 for every fixture', () => {
  it('found the fixtures', () => expect(fixtures.length).toBeGreaterThanOrEqual(12));

  for (const name of fixtures) {
    it(name, async () => {
      const fx = readFixture(name);
      const audio = await loadAudio(join(FIXTURES, `${name}.wav`));
      expect(audio.sampleRate).toBe(fx.sr);
      const f = spectralFeatures(audio.samples, audio.sampleRate, fx.params);
      const T = f.nFrames;
      expect(T).toBe(fx.n_frames);

      const stft3 = new Float64Array(f.nBins * 3);
      for (let k = 0; k < f.nBins; k++) for (let t = 0; t < 3; t++) stft3[k * 3 + t] = f.mag[k * T + t]!;
      const rel = (e: { err: number; scale: number }) => e.err / e.scale;
      const errors = {
        stft: rel(maxAbsError(stft3, 3, fx.stft_mag_first3)),
        mel: rel(maxAbsError(f.mel, T, fx.melspectrogram)),
        mfcc: rel(maxAbsError(f.mfcc, T, fx.mfcc)),
        // log-mel in dB: the reference is float64 power_to_db of the fixture's own mel spectrogram
        logmel: maxAbsError(f.logMel, T, chunk(powerToDb(Float64Array.from(fx.melspectrogram.flat()), DB), T)).err,
        chroma: maxAbsError(f.chroma, T, fx.chroma_stft).err,
        contrast: maxAbsError(f.contrast, T, fx.spectral_contrast).err,
      };
      const v = fx.vector_193;
      const blocks = {
        mfcc: blockError(rowMeans(f.mfcc, 40, T), v.slice(0, 40)),
        chroma: blockError(rowMeans(f.chroma, 12, T), v.slice(40, 52)),
        mel: blockError(rowMeans(f.mel, 128, T), v.slice(52, 180)),
        contrast: blockError(rowMeans(f.contrast, 7, T), v.slice(180, 187)),
      };
      const fmt = (o: Record<string, number>) => Object.entries(o).map(([k, e]) => `${k} ${e.toExponential(1)}`).join(', ');
      console.log(
        `spectral ${name}: ${fmt(errors)}; tuning ${f.tuning.toFixed(2)} (librosa ${fx.params.chroma_stft.tuning_estimated}); ` +
          `classic193 ${fmt(blocks)}`,
      );

      expect(errors.stft, 'STFT magnitude').toBeLessThanOrEqual(1e-4);
      expect(errors.mel, 'mel').toBeLessThanOrEqual(1e-4);
      expect(errors.mfcc, 'mfcc').toBeLessThanOrEqual(1e-4);
      expect(errors.logmel, 'log-mel dB').toBeLessThanOrEqual(1e-3);
      expect(errors.chroma, 'chroma_stft').toBeLessThanOrEqual(1e-3);
      expect(errors.contrast, 'spectral contrast').toBeLessThanOrEqual(1e-3);
      // the tuning is a histogram bin edge (np.linspace(-0.5, 0.5, 101)); the fixture stores it to 6 digits
      expect(Math.abs(f.tuning - fx.params.chroma_stft.tuning_estimated)).toBeLessThan(1e-9);
      for (const [block, e] of Object.entries(blocks)) expect(e, `classic193 ${block} block`).toBeLessThanOrEqual(1e-3);
    });
  }
});

function chunk(values: Float64Array, cols: number): number[][] {
  return Array.from({ length: values.length / cols }, (_, r) => Array.from(values.subarray(r * cols, (r + 1) * cols)));
}

/** Max abs error of a block relative to the block's largest reference magnitude. */
function blockError(ours: number[], ref: number[]): number {
  let err = 0;
  let scale = 0;
  ours.forEach((o, i) => {
    err = Math.max(err, Math.abs(o - ref[i]!));
    scale = Math.max(scale, Math.abs(ref[i]!));
  });
  return scale > 0 ? err / scale : err;
}

describe('tuning estimation', () => {
  it('pitch_tuning of notes tuned +25 cents is 0.25 (librosa docstring example)', () => {
    // librosa.cqt_frequencies(24, 55, tuning=0.25)
    const f = Float32Array.from({ length: 24 }, (_, i) => 55 * 2 ** ((i + 0.25) / 12));
    expect(pitchTuning(f, f.length)).toBeCloseTo(0.25, 12);
  });

  it('no pitches (silence) gives 0', () => {
    expect(estimateTuningFromSpectrum(new Float64Array(1025 * 4), 1025, 4, 22050, 2048, 12)).toBe(0);
  });

  it('accepts float64 magnitudes (rounded to float32 as librosa has them) and 36 bins per octave', () => {
    const sr = 22050;
    const y = Float32Array.from({ length: sr }, (_, i) => Math.round(16000 * Math.sin((2 * Math.PI * 440 * i) / sr)) / 32768);
    const spec = stft(y, { nFft: 2048, hopLength: 512, winLength: 2048, center: true });
    const t64 = estimateTuningFromSpectrum(magnitudeValues(spec), spec.nBins, spec.nFrames, sr, 2048, 36);
    const t32 = estimateTuningFromSpectrum(magnitude32(spec), spec.nBins, spec.nFrames, sr, 2048, 36);
    expect(Math.abs(t64)).toBeLessThan(0.1); // A440 sits on a 36-per-octave bin
    expect(t64).toBe(t32);
  });
});

describe('edge cases stay finite and well shaped', () => {
  const sr = 16000;
  const params = (nFft: number, hop: number): Fixture['params'] => ({
    stft: { n_fft: nFft, hop_length: hop, win_length: nFft, center: true },
    melspectrogram: { power: 2, n_mels: 128, fmin: 0, fmax: sr / 2, htk: false, norm: 'slaney' },
    mfcc: { n_mfcc: 40 },
    chroma_stft: { n_chroma: 12, tuning_estimated: 0 },
    spectral_contrast: { fmin: 200, n_bands: 6, quantile: 0.02 },
  });
  const chirp = (n: number) => Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin(2 * Math.PI * (200 + (i / n) * 3000) * (i / sr)));

  function checkShapes(f: ReturnType<typeof spectralFeatures>, nFft: number, frames: number): void {
    expect(f.nBins).toBe((nFft >> 1) + 1);
    expect(f.nFrames).toBe(frames);
    expect(f.mag.length).toBe(f.nBins * frames);
    expect(f.mel.length).toBe(128 * frames);
    expect(f.mfcc.length).toBe(40 * frames);
    expect(f.chroma.length).toBe(12 * frames);
    expect(f.contrast.length).toBe(7 * frames);
    for (const x of [f.mag, f.mel, f.logMel, f.mfcc, f.chroma, f.contrast]) expect(allFinite(x)).toBe(true);
  }

  it('a signal shorter than nFft (centre padding gives 1 + len // hop frames)', () => {
    const f = spectralFeatures(chirp(700), sr, params(2048, 512));
    checkShapes(f, 2048, 2);
    expect(f.mag.some((v) => v > 0)).toBe(true);
  });

  it('a single sample', () => {
    checkShapes(spectralFeatures(Float32Array.of(0.25), sr, params(2048, 512)), 2048, 1);
  });

  it('all zeros: chroma 0, tuning 0, MFCC / log-mel / contrast finite', () => {
    const f = spectralFeatures(new Float32Array(sr), sr, params(2048, 512));
    checkShapes(f, 2048, 1 + Math.floor(sr / 512));
    expect(f.chroma.every((v) => v === 0)).toBe(true);
    expect(f.tuning).toBe(0);
    expect(f.logMel.every((v) => v === -100)).toBe(true); // 10 log10(amin)
  });

  it('nFft 512 / hop 128', () => {
    checkShapes(spectralFeatures(chirp(sr), sr, params(512, 128)), 512, 1 + Math.floor(sr / 128));
  });

  it('nFft 1000 (not a power of two, Bluestein) / hop 250', () => {
    const f = spectralFeatures(chirp(sr), sr, params(1000, 250));
    checkShapes(f, 1000, 1 + Math.floor(sr / 250));
    // the chroma filterbank follows n_fft = 2 * (nBins - 1) = 1000, like librosa's _spectrogram inference
    expect(chromaFilterbank(sr, 1000, 12, 0).length).toBe(12 * 501);
  });

  it('winLength < nFft centres the window (pad_center) and still frames by nFft', () => {
    const spec = stft(chirp(4000), { nFft: 1024, hopLength: 160, winLength: 400, center: true });
    expect(spec.nBins).toBe(513);
    expect(spec.nFrames).toBe(1 + Math.floor(4000 / 160));
    expect(allFinite(spec.re) && allFinite(spec.im)).toBe(true);
  });

  it('center=false with a signal shorter than nFft is a RangeError', () => {
    expect(() => stft(chirp(100), { nFft: 2048, hopLength: 512, winLength: 2048, center: false })).toThrow(RangeError);
  });

  it('a contrast band without bins is a RangeError (librosa fails there too)', () => {
    expect(() => spectralContrast(new Float64Array(9 * 2), 9, 2, sr, { fmin: 200, nBands: 6, quantile: 0.02 })).toThrow(RangeError);
  });
});

// The engine needs the tonal modules (hpss, chroma-cqt, tonnetz); import it only when they are there.
const tonalReady = ['hpss.ts', 'chroma-cqt.ts', 'tonnetz.ts'].every((f) => existsSync(join(import.meta.dirname, '../src/features/ts', f)));

describe.runIf(tonalReady)('TypeScriptEngine', () => {
  const loadEngine = async (): Promise<FeatureEngine> => new (await import('../src/features/ts/engine.js')).TypeScriptEngine();

  it('computes the spectral features once and equals the modules (speech_m_normal)', async () => {
    const engine = await loadEngine();
    const fx = readFixture('speech_m_normal');
    const audio = await loadAudio(join(FIXTURES, 'speech_m_normal.wav'));
    const request = defaultRequest(audio.sampleRate, ['stft', 'mel', 'mfcc', 'chromaStft', 'contrast', 'logmel']);
    const r = engine.compute(audio.samples, audio.sampleRate, request);
    const f = spectralFeatures(audio.samples, audio.sampleRate, fx.params);
    expect(r.tuning?.chromaStft).toBe(f.tuning);
    const same = (m: { data: Float32Array; rows: number; cols: number } | undefined, ref: Float64Array, rows: number) => {
      expect(m?.rows).toBe(rows);
      expect(m?.cols).toBe(f.nFrames);
      expect(Array.from(m?.data ?? [])).toEqual(Array.from(Float32Array.from(ref)));
    };
    same(r.stft, f.mag, f.nBins);
    same(r.mel, f.mel, 128);
    same(r.logmel, f.logMel, 128);
    same(r.mfcc, f.mfcc, 40);
    same(r.chromaStft, f.chroma, 12);
    same(r.contrast, f.contrast, 7);
    expect(r.harmonic).toBeUndefined();
  });

  it('runs the tonal branch on the harmonic signal', async () => {
    const engine = await loadEngine();
    const sr = 16000;
    const y = Float32Array.from({ length: sr }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 261.63 * i) / sr));
    const r = engine.compute(y, sr, defaultRequest(sr, ['harmonic', 'chromaCqt', 'tonnetz']));
    expect(r.harmonic?.cols).toBe(sr);
    expect(r.chromaCqt?.rows).toBe(12);
    expect(r.tonnetz?.rows).toBe(6);
    expect(allFinite(r.tonnetz?.data ?? [NaN])).toBe(true);
    expect(typeof r.tuning?.chromaCqt).toBe('number');
  });

  it('rejects bad requests like the native engine (RangeError / TypeError)', async () => {
    const engine = await loadEngine();
    const y = new Float32Array(4000);
    const bad = defaultRequest(16000, ['contrast']);
    bad.contrast.fmin = 2000; // 2000 * 2^5 Hz is above the Nyquist frequency
    expect(() => engine.compute(y, 16000, bad)).toThrow(RangeError);
    expect(() => engine.compute(new Float32Array(0), 16000, defaultRequest(16000, ['mel']))).toThrow(RangeError);
    const mfcc = defaultRequest(16000, ['mfcc']);
    mfcc.mfcc.nMfcc = 200;
    expect(() => engine.compute(y, 16000, mfcc)).toThrow(RangeError);
  });
});
