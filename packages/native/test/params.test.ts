// Non-default parameters (odd and non-power-of-two FFT sizes, short windows, center=false, HTK mel, no norm,
// power 1, other chroma/contrast settings) against a direct float64 transcription of librosa's formulas with a
// naive DFT. The fixtures cover the defaults; this covers the parameter handling and every FFT code path.
import { describe, expect, it } from 'vitest';

import type { FeatureRequest, Matrix } from '../src/index.js';
import { noise, request, tryEngine } from './helpers.js';

const { engine } = tryEngine();
const sr = 16000;

function signal(n: number): Float32Array {
  const y = noise(n, 99, 0.05);
  for (let i = 0; i < n; i++) y[i] = y[i]! + 0.4 * Math.sin((2 * Math.PI * 440 * i) / sr) + 0.2 * Math.sin((2 * Math.PI * 1870 * i) / sr);
  return y;
}

/** |STFT| as librosa computes it (periodic Hann, pad_center, zero padding), by a naive DFT: [bins][frames]. */
function refStft(y: Float32Array, p: FeatureRequest['stft']): number[][] {
  const { nFft, hopLength, winLength, center } = p;
  const w = new Float64Array(nFft);
  const lpad = Math.floor((nFft - winLength) / 2);
  for (let i = 0; i < winLength; i++) w[lpad + i] = winLength === 1 ? 1 : 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / winLength);
  const pad = center ? Math.floor(nFft / 2) : 0;
  const frames = 1 + Math.floor((y.length + 2 * pad - nFft) / hopLength);
  const bins = Math.floor(nFft / 2) + 1;
  const out = Array.from({ length: bins }, () => new Array<number>(frames).fill(0));
  const cos = new Float64Array(nFft);
  const sin = new Float64Array(nFft);
  for (let i = 0; i < nFft; i++) {
    cos[i] = Math.cos((2 * Math.PI * i) / nFft);
    sin[i] = Math.sin((2 * Math.PI * i) / nFft);
  }
  const frame = new Float64Array(nFft);
  for (let t = 0; t < frames; t++) {
    for (let j = 0; j < nFft; j++) {
      const idx = t * hopLength + j - pad;
      frame[j] = idx >= 0 && idx < y.length ? w[j]! * y[idx]! : 0;
    }
    for (let k = 0; k < bins; k++) {
      let re = 0;
      let im = 0;
      for (let j = 0; j < nFft; j++) {
        const a = (j * k) % nFft;
        re += frame[j]! * cos[a]!;
        im -= frame[j]! * sin[a]!;
      }
      out[k]![t] = Math.hypot(re, im);
    }
  }
  return out;
}

function hzToMel(f: number, htk: boolean): number {
  if (htk) return 2595 * Math.log10(1 + f / 700);
  const fsp = 200 / 3;
  return f >= 1000 ? 1000 / fsp + Math.log(f / 1000) / (Math.log(6.4) / 27) : f / fsp;
}

function melToHz(m: number, htk: boolean): number {
  if (htk) return 700 * (10 ** (m / 2595) - 1);
  const fsp = 200 / 3;
  return m >= 1000 / fsp ? 1000 * Math.exp((Math.log(6.4) / 27) * (m - 1000 / fsp)) : fsp * m;
}

/** librosa.filters.mel in float64. */
function refMelBank(nFft: number, p: FeatureRequest['mel']): number[][] {
  const bins = Math.floor(nFft / 2) + 1;
  const lo = hzToMel(p.fmin, p.htk);
  const hi = hzToMel(p.fmax, p.htk);
  const f = Array.from({ length: p.nMels + 2 }, (_, i) => melToHz(lo + ((hi - lo) * i) / (p.nMels + 1), p.htk));
  return Array.from({ length: p.nMels }, (_, i) =>
    Array.from({ length: bins }, (_, k) => {
      const fk = (k * sr) / nFft;
      const w = Math.max(0, Math.min((fk - f[i]!) / (f[i + 1]! - f[i]!), (f[i + 2]! - fk) / (f[i + 2]! - f[i + 1]!)));
      return p.norm === 'slaney' ? (w * 2) / (f[i + 2]! - f[i]!) : w;
    }),
  );
}

function matmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, t) => row.reduce((s, v, k) => s + v * b[k]![t]!, 0)));
}

function powerToDb(s: number[][], amin: number, topDb: number | null): number[][] {
  const db = s.map((row) => row.map((v) => 10 * Math.log10(Math.max(amin, v)) - 10 * Math.log10(Math.max(amin, 1))));
  if (topDb === null) return db;
  const top = Math.max(...db.map((r) => Math.max(...r)));
  return db.map((r) => r.map((v) => Math.max(v, top - topDb)));
}

function maxErr(got: Matrix, ref: number[][]): { err: number; max: number } {
  expect(got.rows).toBe(ref.length);
  expect(got.cols).toBe(ref[0]!.length);
  let err = 0;
  let max = 0;
  ref.forEach((row, r) =>
    row.forEach((v, c) => {
      max = Math.max(max, Math.abs(v));
      err = Math.max(err, Math.abs(got.data[r * got.cols + c]! - v));
    }),
  );
  return { err, max };
}

describe.skipIf(!engine)('non-default parameters', () => {
  const stftCases: FeatureRequest['stft'][] = [
    { nFft: 400, hopLength: 160, winLength: 400, center: true }, // Stockham 4 * 2 * 5 * 5
    { nFft: 401, hopLength: 100, winLength: 300, center: true }, // odd n: full complex FFT, prime -> Bluestein
    { nFft: 1000, hopLength: 250, winLength: 999, center: false }, // four-step 20 x 25
    { nFft: 2047, hopLength: 700, winLength: 2047, center: true }, // 23 * 89 -> Bluestein
    { nFft: 4096, hopLength: 1024, winLength: 2048, center: false }, // four-step with a radix-2 pass
    { nFft: 512, hopLength: 2048, winLength: 1, center: true }, // hop > nFft, one-sample window
    { nFft: 16, hopLength: 3, winLength: 16, center: true },
    { nFft: 6006, hopLength: 3000, winLength: 6006, center: true }, // 2 * 3 * 7 * 11 * 13: generic radices
  ];
  for (const stft of stftCases) {
    it(`stft ${JSON.stringify(stft)}`, () => {
      const y = signal(stft.nFft === 6006 ? 12000 : 6000);
      const req = request(sr, ['stft']);
      req.stft = stft;
      const { err, max } = maxErr(engine!.compute(y, sr, req).stft!, refStft(y, stft));
      expect(err).toBeLessThanOrEqual(1e-6 * max);
    });
  }

  it('mel / logmel / mfcc with HTK, no norm, power 1, amin, no top_db', () => {
    const y = signal(8000);
    const req = request(sr, ['mel', 'logmel', 'mfcc']);
    req.stft = { nFft: 512, hopLength: 128, winLength: 400, center: true };
    req.mel = { nMels: 40, fmin: 300, fmax: 7000, htk: true, norm: null, power: 1 };
    req.db = { amin: 1e-5, topDb: null };
    req.mfcc = { nMfcc: 13 };
    const r = engine!.compute(y, sr, req);
    const mel = matmul(refMelBank(512, req.mel), refStft(y, req.stft));
    const m = maxErr(r.mel!, mel);
    expect(m.err).toBeLessThanOrEqual(1e-5 * m.max);
    const db = powerToDb(mel, 1e-5, null);
    expect(maxErr(r.logmel!, db).err).toBeLessThanOrEqual(1e-3);
    const n = 40;
    const dct = Array.from({ length: 13 }, (_, k) =>
      Array.from({ length: n }, (_, j) => Math.cos((Math.PI * k * (2 * j + 1)) / (2 * n)) * Math.sqrt((k === 0 ? 1 : 2) / n)),
    );
    const mf = maxErr(r.mfcc!, matmul(dct, db));
    expect(mf.err).toBeLessThanOrEqual(1e-4 * mf.max);
  });

  it('mel with Slaney norm and power 1.5, top_db 40', () => {
    const y = signal(8000);
    const req = request(sr, ['mel', 'logmel']);
    req.mel = { nMels: 64, fmin: 0, fmax: 8000, htk: false, norm: 'slaney', power: 1.5 };
    req.db = { amin: 1e-10, topDb: 40 };
    const r = engine!.compute(y, sr, req);
    const spec = refStft(y, req.stft).map((row) => row.map((v) => v ** 1.5));
    const mel = matmul(refMelBank(2048, req.mel), spec);
    const m = maxErr(r.mel!, mel);
    expect(m.err).toBeLessThanOrEqual(1e-5 * m.max);
    expect(maxErr(r.logmel!, powerToDb(mel, 1e-10, 40)).err).toBeLessThanOrEqual(1e-3);
  });

  it('chroma_stft with a given tuning and 24 chroma bins', () => {
    const y = signal(8000);
    const nChroma = 24;
    const tuning = 0.2;
    const req = request(sr, ['chromaStft']);
    req.stft = { nFft: 1024, hopLength: 256, winLength: 1024, center: true };
    req.chromaStft = { nChroma, tuning };
    const r = engine!.compute(y, sr, req);
    expect(r.tuning?.chromaStft).toBe(tuning);
    // librosa.filters.chroma (ctroct 5, octwidth 2, norm 2, base_c) in float64
    const n = 1024;
    const frq = Array.from({ length: n }, (_, j) => (j === 0 ? 0 : nChroma * Math.log2(((j * sr) / n) / ((440 * 2 ** (tuning / nChroma)) / 16))));
    frq[0] = frq[1]! - 1.5 * nChroma;
    const width = frq.map((v, j) => (j + 1 < n ? Math.max(frq[j + 1]! - v, 1) : 1));
    const half = Math.round(nChroma / 2);
    const wts = Array.from({ length: nChroma }, (_, c) =>
      frq.map((v, j) => {
        const d = ((((v - c + half + 10 * nChroma) % nChroma) + nChroma) % nChroma) - half;
        return Math.exp(-0.5 * ((2 * d) / width[j]!) ** 2);
      }),
    );
    for (let j = 0; j < n; j++) {
      const len = Math.sqrt(wts.reduce((s, row) => s + row[j]! ** 2, 0));
      const g = Math.exp(-0.5 * ((frq[j]! / nChroma - 5) / 2) ** 2);
      for (const row of wts) row[j] = (row[j]! / len) * g;
    }
    const shift = 3 * Math.floor(nChroma / 12);
    const fb = wts.map((_, c) => wts[(c + shift) % nChroma]!.slice(0, n / 2 + 1));
    const raw = matmul(fb, refStft(y, req.stft));
    const chroma = raw.map((row) => row.slice());
    for (let t = 0; t < raw[0]!.length; t++) {
      const mx = Math.max(...raw.map((row) => Math.abs(row[t]!)));
      for (const row of chroma) row[t] = row[t]! / mx;
    }
    expect(maxErr(r.chromaStft!, chroma).err).toBeLessThanOrEqual(1e-4);
  });

  for (const contrast of [
    { fmin: 100, nBands: 4, quantile: 0.1 },
    { fmin: 150, nBands: 3, quantile: 0.3 }, // large quantile counts (the nth_element path)
  ]) {
    it(`spectral contrast ${JSON.stringify(contrast)}`, () => {
      const y = signal(8000);
      const req = request(sr, ['contrast']);
      req.stft = { nFft: 1024, hopLength: 256, winLength: 1024, center: true };
      req.contrast = contrast;
      const r = engine!.compute(y, sr, req);
      const S = refStft(y, req.stft);
      const bins = S.length;
      const freq = Array.from({ length: bins }, (_, k) => (k * sr) / 1024);
      const octa = [0, ...Array.from({ length: contrast.nBands + 1 }, (_, i) => contrast.fmin * 2 ** i)];
      const frames = S[0]!.length;
      const peak: number[][] = [];
      const valley: number[][] = [];
      for (let k = 0; k <= contrast.nBands; k++) {
        const inBand = freq.map((f) => f >= octa[k]! && f <= octa[k + 1]!);
        const first = inBand.indexOf(true);
        const last = inBand.lastIndexOf(true);
        if (k > 0) inBand[first - 1] = true;
        if (k === contrast.nBands) for (let b = last + 1; b < bins; b++) inBand[b] = true;
        const rows = inBand.flatMap((v, b) => (v ? [b] : []));
        const count = rows.length;
        if (k < contrast.nBands) rows.pop();
        const q = contrast.quantile * count;
        let idx = Math.round(q);
        if (Math.abs(q % 1) === 0.5 && idx % 2 !== 0) idx -= 1; // np.rint rounds half to even
        idx = Math.max(idx, 1);
        peak.push([]);
        valley.push([]);
        for (let t = 0; t < frames; t++) {
          const sorted = rows.map((b) => S[b]![t]!).sort((a, b) => a - b);
          const lo = sorted.slice(0, idx);
          const hi = sorted.slice(-idx);
          valley[k]!.push(lo.reduce((s, v) => s + v, 0) / lo.length);
          peak[k]!.push(hi.reduce((s, v) => s + v, 0) / hi.length);
        }
      }
      const pd = powerToDb(peak, 1e-10, 80);
      const vd = powerToDb(valley, 1e-10, 80);
      const ref = pd.map((row, k) => row.map((v, t) => v - vd[k]![t]!));
      expect(maxErr(r.contrast!, ref).err).toBeLessThanOrEqual(1e-3);
    });
  }
});
