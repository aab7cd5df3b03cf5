import { describe, expect, it } from 'vitest';
import { kaiserSinc } from '../src/audio/kaiser.js';
import { resample, Resampler, type ResamplerOptions } from '../src/audio/resample.js';

const AMP = 0.5;

function tone(freq: number, rate: number, seconds: number, amp = AMP): Float32Array {
  const n = Math.round(rate * seconds);
  return Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * freq * i) / rate));
}

/** Indices [from, to) of `y` that are at least 50 ms away from both edges. */
function interior(y: Float32Array, rate: number): [number, number] {
  const edge = Math.ceil(0.05 * rate);
  return [edge, y.length - edge];
}

/** SNR of `y` against the ideal sine sampled at the output rate, away from the edges. */
function sineSnrDb(y: Float32Array, freq: number, rate: number): number {
  const [a, b] = interior(y, rate);
  let signal = 0;
  let noise = 0;
  for (let m = a; m < b; m++) {
    const ideal = AMP * Math.sin((2 * Math.PI * freq * m) / rate);
    signal += ideal * ideal;
    noise += (y[m]! - ideal) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

function rms(x: Float32Array, a = 0, b = x.length): number {
  let s = 0;
  for (let i = a; i < b; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / (b - a));
}

/** Output RMS relative to input RMS, in dB of attenuation (positive = quieter), edges excluded. */
function attenuationDb(x: Float32Array, fromRate: number, y: Float32Array, toRate: number): number {
  const [xa, xb] = interior(x, fromRate);
  const [ya, yb] = interior(y, toRate);
  return 20 * Math.log10(rms(x, xa, xb) / rms(y, ya, yb));
}

/** Amplitude of the component at `freq` in y[start .. start+n) (Goertzel; exact for a whole number of cycles). */
function goertzelAmplitude(y: Float32Array, rate: number, freq: number, start: number, n: number): number {
  const coeff = 2 * Math.cos((2 * Math.PI * freq) / rate);
  let s1 = 0;
  let s2 = 0;
  for (let i = start; i < start + n; i++) {
    const s0 = y[i]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - coeff * s1 * s2))) / n;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Deterministic PRNG in [0, 1) (mulberry32). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function noise(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}

const expectedLength = (n: number, from: number, to: number): number => Number((BigInt(n) * BigInt(to) + BigInt(from) - 1n) / BigInt(from));

describe('resample: anti-aliasing and passband (downsampling)', () => {
  const cases = [
    { from: 48000, to: 16000, high: 12000 },
    { from: 44100, to: 16000, high: 12000 },
    { from: 22050, to: 16000, high: 10000 },
  ];
  for (const { from, to, high } of cases) {
    it(`${from} -> ${to}: keeps 1 kHz, removes ${high / 1000} kHz and everything above the new Nyquist`, () => {
      const snr = sineSnrDb(resample(tone(1000, from, 2), from, to), 1000, to);
      const x = tone(high, from, 2);
      const att = attenuationDb(x, from, resample(x, from, to), to);
      // Just above the new Nyquist: the stopband has to start there, or this would alias to just below it.
      const edgeFreq = (to / 2) * 1.01;
      const xe = tone(edgeFreq, from, 2);
      const attEdge = attenuationDb(xe, from, resample(xe, from, to), to);
      console.log(
        `${from} -> ${to}: 1 kHz SNR ${snr.toFixed(1)} dB; ${high} Hz attenuation ${att.toFixed(1)} dB; ${edgeFreq} Hz (1.01 x Nyquist) attenuation ${attEdge.toFixed(1)} dB`,
      );
      expect(snr).toBeGreaterThanOrEqual(80);
      expect(att).toBeGreaterThanOrEqual(80);
      expect(attEdge).toBeGreaterThanOrEqual(80);
    });
  }
});

describe('resample: upsampling', () => {
  it('16000 -> 22050 and 8000 -> 16000 keep a 1 kHz sine', () => {
    for (const [from, to] of [
      [16000, 22050],
      [8000, 16000],
    ] as const) {
      const snr = sineSnrDb(resample(tone(1000, from, 2), from, to), 1000, to);
      console.log(`${from} -> ${to}: 1 kHz SNR ${snr.toFixed(1)} dB`);
      expect(snr).toBeGreaterThanOrEqual(80);
    }
  });

  it('creates no images: 3 kHz at 8 kHz -> 16 kHz has nothing at 5 kHz; 6 kHz at 16 kHz -> 22.05 kHz nothing at 10 kHz', () => {
    for (const { from, to, f, image } of [
      { from: 8000, to: 16000, f: 3000, image: 5000 },
      { from: 16000, to: 22050, f: 6000, image: 10000 },
    ]) {
      const y = resample(tone(f, from, 2), from, to);
      // One second from the middle: whole numbers of cycles of both frequencies, so no leakage between them.
      const start = Math.round(to / 2);
      const kept = goertzelAmplitude(y, to, f, start, to);
      const imaged = goertzelAmplitude(y, to, image, start, to);
      const rejection = 20 * Math.log10(kept / imaged);
      console.log(`${from} -> ${to}: ${f} Hz amplitude ${kept.toFixed(6)}; image at ${image} Hz ${rejection.toFixed(1)} dB down`);
      expect(Math.abs(kept - AMP)).toBeLessThan(1e-4);
      expect(rejection).toBeGreaterThanOrEqual(80);
    }
  });
});

describe('resample: other rate pairs', () => {
  // 44100 -> 48000 and 22050 -> 16000 use exact polyphase tables; 44100 -> 16001, 48001 -> 16000, 11025 -> 7919 and
  // 16000 -> 48001 have too many phases for one and interpolate between finely spaced kernel rows.
  const pairs = [
    [44100, 48000],
    [48000, 44100],
    [44100, 16001],
    [48001, 16000],
    [11025, 7919],
    [16000, 48001],
    [7919, 11025],
  ] as const;
  for (const [from, to] of pairs) {
    it(`${from} -> ${to} keeps a 1 kHz sine`, () => {
      const snr = sineSnrDb(resample(tone(1000, from, 1), from, to), 1000, to);
      console.log(`${from} -> ${to}: 1 kHz SNR ${snr.toFixed(1)} dB`);
      expect(snr).toBeGreaterThanOrEqual(80);
    });
  }
});

describe('resample: matches the defining sum y[m] = sum_n x[n] h(m * from / to - n)', () => {
  // Direct evaluation of the formula, with the zeros outside the signal simply left out of the sum.
  function reference(x: Float32Array, from: number, to: number, o: Required<ResamplerOptions>): Float32Array {
    const c = o.rolloff * Math.min(1, to / from); // cutoff, as a fraction of the input Nyquist
    const kernel = kaiserSinc(o.zeroCrossings, o.kaiserBeta);
    const width = o.zeroCrossings / c;
    const y = new Float32Array(expectedLength(x.length, from, to));
    for (let m = 0; m < y.length; m++) {
      const t = (m * from) / to;
      let acc = 0;
      for (let n = Math.max(0, Math.ceil(t - width)); n <= Math.min(x.length - 1, Math.floor(t + width)); n++) {
        acc += x[n]! * c * kernel(c * (t - n));
      }
      y[m] = acc;
    }
    return y;
  }
  const options = { rolloff: 0.9, zeroCrossings: 16, kaiserBeta: 8 };
  const pairs = [
    [48000, 16000],
    [16000, 48000],
    [44100, 16000],
    [16000, 22050],
    [3, 2],
    [2, 3],
    [48001, 16000],
    [16000, 48001],
  ] as const;
  for (const [from, to] of pairs) {
    it(`${from} -> ${to}`, () => {
      const x = noise(400, from + to);
      const diff = maxAbsDiff(resample(x, from, to, options), reference(x, from, to, options));
      // Exact tables agree to rounding; interpolated rows (48001, 16000) to about 1e-6 of full scale.
      expect(diff).toBeLessThan(from === 48001 || to === 48001 ? 1e-5 : 1e-6);
    });
  }
});

describe('Resampler streaming', () => {
  const pairs = [
    [48000, 16000],
    [44100, 16000],
    [22050, 16000],
    [16000, 22050],
    [8000, 16000],
    [44100, 48000],
    [44100, 16001],
    [11025, 7919],
    [48001, 16000],
    [16000, 48001],
    [16000, 16000],
  ] as const;
  for (const [from, to] of pairs) {
    it(`${from} -> ${to}: random chunks (with 0 and 1) concatenate to the one-shot result`, () => {
      const r = rng(from * 7 + to);
      const x = noise(Math.round(from * 0.75) + 13, to);
      const oneShot = resample(x, from, to);
      const rs = new Resampler(from, to);
      const parts: Float32Array[] = [];
      for (let i = 0; i < x.length; ) {
        const pick = r();
        // Mostly small chunks, some of exactly 0 and 1 samples, some longer than the internal 4096-sample block.
        const size = pick < 0.15 ? 0 : pick < 0.3 ? 1 : pick < 0.9 ? Math.floor(r() * 700) : Math.floor(r() * 12000);
        parts.push(rs.process(x.subarray(i, Math.min(x.length, i + size))));
        i += size;
      }
      parts.push(rs.flush());
      const streamed = concat(parts);
      const diff = maxAbsDiff(streamed, oneShot);
      console.log(`${from} -> ${to}: ${parts.length} chunks, streamed vs one-shot max |diff| = ${diff}`);
      expect(streamed.length).toBe(expectedLength(x.length, from, to));
      expect(diff).toBe(0); // bit-identical, not just close

      // flush() resets: the same instance resamples a second stream identically.
      const again = concat([rs.process(x), rs.flush()]);
      expect(maxAbsDiff(again, oneShot)).toBe(0);
    });
  }

  it('one sample at a time equals one-shot', () => {
    for (const [from, to] of [
      [48000, 16000],
      [16000, 22050],
      [11025, 7919],
    ] as const) {
      const x = noise(3000, 5);
      const rs = new Resampler(from, to);
      const parts = Array.from(x, (v) => rs.process(Float32Array.of(v)));
      parts.push(rs.flush());
      expect(maxAbsDiff(concat(parts), resample(x, from, to))).toBe(0);
    }
  });

  it('exposes its rates', () => {
    const rs = new Resampler(44100, 16000);
    expect([rs.fromRate, rs.toRate]).toEqual([44100, 16000]);
  });
});

describe('resample: lengths, DC, identity', () => {
  const pairs = [
    [48000, 16000],
    [44100, 16000],
    [16000, 22050],
    [8000, 16000],
    [3, 2],
    [2, 3],
    [44100, 16001],
    [11025, 7919],
    [1, 768000],
    [768000, 1],
    [768000, 767999],
  ] as const;

  it('one-shot output length is ceil(n * to / from), streamed too', () => {
    const lengths = [0, 1, 2, 3, 4, 5, 7, 10, 99, 100, 101, 441, 1000, 4097, 10007];
    for (const [from, to] of pairs) {
      for (const n of lengths) {
        if ((to / from) * n > 1e6) continue; // 1 -> 768000 with long inputs is just big
        const x = noise(n, n);
        const want = expectedLength(n, from, to);
        expect(resample(x, from, to).length, `${from} -> ${to}, n = ${n}`).toBe(want);
        const rs = new Resampler(from, to);
        const half = Math.floor(n / 2);
        const got = rs.process(x.subarray(0, half)).length + rs.process(x.subarray(half)).length + rs.flush().length;
        expect(got, `${from} -> ${to}, n = ${n}, streamed`).toBe(want);
      }
    }
  });

  it('a DC signal stays DC away from the edges', () => {
    for (const [from, to] of pairs) {
      // 768000 -> 1: the kernel is 80M input samples wide; 1 -> 768000: 100M outputs. The next test covers them.
      if (from === 1 || to === 1) continue;
      const seconds = Math.max(1, 400 / Math.min(from, to));
      const x = new Float32Array(Math.round(from * seconds)).fill(0.25);
      const y = resample(x, from, to);
      // Away from the edges: 50 ms, or at least the kernel's reach of ~52 samples of the lower rate.
      const edge = Math.ceil(Math.max(0.05 * to, (60 * to) / Math.min(from, to)));
      let worst = 0;
      for (let m = edge; m < y.length - edge; m++) worst = Math.max(worst, Math.abs(y[m]! - 0.25));
      console.log(`${from} -> ${to}: DC max error ${worst.toExponential(2)} over ${y.length - 2 * edge} samples`);
      expect(y.length - 2 * edge).toBeGreaterThan(0);
      expect(worst).toBeLessThanOrEqual(1e-3);
    }
  });

  it('768000 -> 1 and 1 -> 768000 work', () => {
    const down = new Resampler(768000, 1);
    let got = 0;
    for (let i = 0; i < 12; i++) got += down.process(noise(768000 / 4, i)).length; // 3 s in quarter-second chunks
    got += down.flush().length;
    expect(got).toBe(3);
    const up = resample(Float32Array.of(0.5, -0.5), 1, 768000);
    expect(up.length).toBe(2 * 768000);
    expect(up.every(Number.isFinite)).toBe(true);
  });

  it('keeps its memory bounded whatever the rate pair', () => {
    // Widest kernel the options allow. All state (tables, history or accumulators) is allocated by the constructor;
    // process() allocates only the array it returns.
    const options = { rolloff: 0.5, zeroCrossings: 64 };
    const keep: Resampler[] = [];
    let worst = 0;
    for (const [from, to] of [...pairs, [48001, 16000], [16000, 48001], [767999, 768000]] as const) {
      const before = process.memoryUsage().arrayBuffers;
      const rs = new Resampler(from, to, options);
      worst = Math.max(worst, process.memoryUsage().arrayBuffers - before);
      keep.push(rs);
    }
    console.log(`largest resampler state: ${(worst / 2 ** 20).toFixed(2)} MiB (widest kernel options)`);
    expect(worst).toBeLessThan(4 * 2 ** 20);
  });

  it('equal rates return an equal copy, not the same array', () => {
    const x = noise(1234, 1);
    const y = resample(x, 16000, 16000);
    expect(y).not.toBe(x);
    expect(Array.from(y)).toEqual(Array.from(x));
    const rs = new Resampler(22050, 22050);
    const chunk = x.subarray(0, 10);
    const out = rs.process(chunk);
    expect(out).not.toBe(chunk);
    expect(Array.from(out)).toEqual(Array.from(chunk));
    expect(rs.flush().length).toBe(0);
  });

  it('empty input gives empty output', () => {
    expect(resample(new Float32Array(0), 48000, 16000).length).toBe(0);
    expect(resample(new Float32Array(0), 16000, 48000).length).toBe(0);
  });
});

describe('resample: argument validation', () => {
  it('rejects bad rates with a RangeError naming the argument', () => {
    const x = new Float32Array(4);
    for (const bad of [0, -16000, 16000.5, Number.NaN, Number.POSITIVE_INFINITY, 768001, 1e9]) {
      expect(() => resample(x, bad, 16000)).toThrow(RangeError);
      expect(() => resample(x, bad, 16000)).toThrow(/fromRate/);
      expect(() => resample(x, 16000, bad)).toThrow(RangeError);
      expect(() => resample(x, 16000, bad)).toThrow(/toRate/);
      expect(() => new Resampler(bad, 16000)).toThrow(/fromRate/);
      expect(() => new Resampler(16000, bad)).toThrow(/toRate/);
    }
    expect(() => new Resampler(1, 768000)).not.toThrow();
  });

  it('rejects input that is not a Float32Array with a TypeError', () => {
    const asSamples = (v: unknown) => v as Float32Array;
    expect(() => resample(asSamples([0, 1, 2]), 48000, 16000)).toThrow(TypeError);
    expect(() => resample(asSamples(new Float64Array(3)), 48000, 16000)).toThrow(TypeError);
    expect(() => resample(asSamples(null), 16000, 16000)).toThrow(TypeError);
    expect(() => new Resampler(48000, 16000).process(asSamples(new Int16Array(3)))).toThrow(TypeError);
    const asRate = (v: unknown) => v as number;
    expect(() => resample(new Float32Array(1), asRate('48000'), 16000)).toThrow(TypeError);
  });

  it('rejects bad options with a RangeError', () => {
    expect(() => new Resampler(48000, 16000, { rolloff: 0 })).toThrow(/rolloff/);
    expect(() => new Resampler(48000, 16000, { rolloff: 1.2 })).toThrow(RangeError);
    expect(() => new Resampler(48000, 16000, { zeroCrossings: 3.5 })).toThrow(/zeroCrossings/);
    expect(() => new Resampler(48000, 16000, { zeroCrossings: 1000 })).toThrow(RangeError);
    expect(() => new Resampler(48000, 16000, { kaiserBeta: Number.NaN })).toThrow(/kaiserBeta/);
  });
});
