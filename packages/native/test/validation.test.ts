// Every JavaScript input is checked in C++: wrong types throw TypeError, bad values RangeError, and nothing crashes.
import { describe, expect, it } from 'vitest';

import type { FeatureName, FeatureRequest } from '../src/index.js';
import { noise, request, tryEngine } from './helpers.js';

const { engine } = tryEngine();
const sr = 16000;
const x = noise(8000);
const ALL_FEATURES = ['stft', 'mel', 'mfcc', 'logmel', 'chromaStft', 'contrast', 'harmonic', 'chromaCqt', 'tonnetz'] as const;

function all(features: FeatureName[] = ['stft', 'mel', 'mfcc', 'logmel', 'chromaStft', 'contrast']): FeatureRequest {
  return request(sr, features);
}

/** A deep copy of the full request with one field replaced (value undefined deletes it). */
function withField(path: string, value: unknown, features?: FeatureName[]): unknown {
  const r = JSON.parse(JSON.stringify(all(features))) as Record<string, unknown>;
  const keys = path.split('.');
  let o = r;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete o[last];
  else o[last] = value;
  return r;
}

function computeWith(samples: unknown, sampleRate: unknown, req: unknown): unknown {
  return engine!.compute(samples as Float32Array, sampleRate as number, req as FeatureRequest);
}

describe.skipIf(!engine)('input validation', () => {
  it('samples must be a non-empty Float32Array of finite numbers', () => {
    const req = all();
    for (const bad of [undefined, null, 1, 'abc', [0.1, 0.2], {}, new Float64Array(100), new Int16Array(100), new ArrayBuffer(8)]) {
      expect(() => computeWith(bad, sr, req)).toThrow(TypeError);
    }
    expect(() => computeWith(new Float32Array(0), sr, req)).toThrow(RangeError);
    const buffer = new ArrayBuffer(4096);
    const detached = new Float32Array(buffer);
    structuredClone(buffer, { transfer: [buffer] });
    expect(detached.length).toBe(0);
    expect(() => computeWith(detached, sr, req)).toThrow(RangeError);
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const y = noise(4000);
      y[1234] = v;
      expect(() => computeWith(y, sr, req)).toThrow(RangeError);
      expect(() => computeWith(y, sr, req)).toThrow(/samples\[1234\]/);
    }
    // A view into a larger buffer is fine.
    const big = noise(10000);
    expect(() => computeWith(big.subarray(1000, 9000), sr, request(sr, ['mfcc']))).not.toThrow();
  });

  it('sampleRate must be a finite number in [1000, 768000]', () => {
    for (const bad of [undefined, null, '16000', {}, 16000n]) expect(() => computeWith(x, bad, all())).toThrow(TypeError);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -16000, 0, 999, 768001, 1e12]) {
      expect(() => computeWith(x, bad, all())).toThrow(RangeError);
    }
    expect(() => computeWith(x, 1000, request(1000, ['mfcc']))).not.toThrow();
  });

  it('request must be an object with a features array of known names', () => {
    for (const bad of [undefined, null, 1, 'mfcc', [], () => 0, new Float32Array(4)]) {
      expect(() => computeWith(x, sr, bad)).toThrow(TypeError);
    }
    expect(() => computeWith(x, sr, withField('features', undefined))).toThrow(TypeError);
    expect(() => computeWith(x, sr, withField('features', 'mfcc'))).toThrow(TypeError);
    expect(() => computeWith(x, sr, withField('features', [1]))).toThrow(TypeError);
    expect(() => computeWith(x, sr, withField('features', []))).toThrow(RangeError);
    expect(() => computeWith(x, sr, withField('features', ['mfcc', 'nope']))).toThrow(RangeError);
    expect(() => computeWith(x, sr, withField('features', ['mfcc', 'nope']))).toThrow(/unknown feature 'nope'/);
    expect(() => computeWith(x, sr, withField('features', Array(65).fill('mfcc')))).toThrow(RangeError);
    // duplicates are fine
    expect(computeWith(x, sr, withField('features', ['mfcc', 'mfcc']))).toHaveProperty('mfcc');
  });

  it('tonal features are implemented natively and validate their own fields', () => {
    for (const f of ['harmonic', 'chromaCqt', 'tonnetz'] as const) {
      expect(engine!.supports(f)).toBe(true);
      const out = engine!.compute(x, sr, request(sr, ['mfcc', f]));
      expect(out[f]?.data.length).toBeGreaterThan(0);
      expect(Array.from(out[f]!.data).every(Number.isFinite)).toBe(true);
    }
    const cases: [string, unknown, typeof TypeError | typeof RangeError][] = [
      ['hpss', undefined, TypeError], ['hpss.kernelSize', 'x', TypeError], ['hpss.kernelSize', 0, RangeError],
      ['hpss.kernelSize', 1e6, RangeError], ['hpss.power', 0, RangeError], ['hpss.margin', 0.5, RangeError],
      ['hpss.margin', Number.NaN, RangeError],
      ['chromaCqt', null, TypeError], ['chromaCqt.hopLength', 0, RangeError], ['chromaCqt.binsPerOctave', 0, RangeError],
      ['chromaCqt.nOctaves', 0, RangeError], ['chromaCqt.nOctaves', 11, RangeError], ['chromaCqt.fmin', -1, RangeError],
      ['chromaCqt.fmin', 'x', TypeError], ['chromaCqt.tuning', 0.7, RangeError],
    ];
    for (const [f, v, type] of cases) {
      expect(() => computeWith(x, sr, withField(f, v, ['tonnetz'])), `${f} = ${String(v)}`).toThrow(type);
    }
    expect(() => computeWith(x, sr, withField('chromaCqt.tuning', null, ['tonnetz']))).not.toThrow();
  });

  it('every request field is required and type-checked', () => {
    const fields = [
      'stft.nFft', 'stft.hopLength', 'stft.winLength', 'stft.center',
      'mel.nMels', 'mel.fmin', 'mel.fmax', 'mel.htk', 'mel.norm', 'mel.power',
      'db.amin', 'db.topDb', 'mfcc.nMfcc', 'chromaStft.nChroma', 'chromaStft.tuning',
      'contrast.fmin', 'contrast.nBands', 'contrast.quantile',
      'stft', 'mel', 'db', 'mfcc', 'chromaStft', 'contrast',
    ];
    for (const f of fields) {
      expect(() => computeWith(x, sr, withField(f, undefined)), `${f} missing`).toThrow(TypeError);
      expect(() => computeWith(x, sr, withField(f, undefined)), `${f} missing`).toThrow(/is missing/);
      // (mel.norm is a string field: a wrong string is a RangeError, tested below)
      if (f !== 'mel.norm') expect(() => computeWith(x, sr, withField(f, 'x')), `${f} = 'x'`).toThrow(TypeError);
      expect(() => computeWith(x, sr, withField(f, {})), `${f} = {}`).toThrow(TypeError);
      expect(() => computeWith(x, sr, withField(f, [])), `${f} = []`).toThrow(TypeError);
    }
    // null is only allowed where the contract says so
    for (const f of ['db.topDb', 'chromaStft.tuning', 'mel.norm']) {
      expect(() => computeWith(x, sr, withField(f, null))).not.toThrow();
    }
    for (const f of ['stft.nFft', 'mel.fmin', 'mel.htk', 'stft.center', 'contrast.quantile', 'mel']) {
      expect(() => computeWith(x, sr, withField(f, null)), `${f} = null`).toThrow(TypeError);
    }
  });

  it('out-of-range values throw RangeError', () => {
    const cases: [string, unknown][] = [
      ['stft.nFft', 15], ['stft.nFft', 65537], ['stft.nFft', 1e9], ['stft.nFft', 2048.5], ['stft.nFft', -2048],
      ['stft.nFft', Number.NaN], ['stft.nFft', Number.POSITIVE_INFINITY],
      ['stft.hopLength', 0], ['stft.hopLength', 8193], ['stft.hopLength', 1.5],
      ['stft.winLength', 0], ['stft.winLength', 2049],
      ['mel.nMels', 0], ['mel.nMels', 1025], ['mel.fmin', -1], ['mel.fmax', 0], ['mel.fmax', 8000.5],
      ['mel.norm', 'htk'], ['mel.power', 0], ['mel.power', -2], ['mel.power', 9],
      ['db.amin', 0], ['db.amin', -1e-10], ['db.topDb', -1],
      ['mfcc.nMfcc', 0], ['mfcc.nMfcc', 129],
      ['chromaStft.nChroma', 0], ['chromaStft.nChroma', 129], ['chromaStft.tuning', 0.7],
      ['contrast.fmin', 0], ['contrast.fmin', -200], ['contrast.nBands', 0], ['contrast.nBands', 13],
      ['contrast.nBands', 7], // 200 * 2^6 = 12800 Hz is above the 8 kHz Nyquist frequency
      ['contrast.quantile', 0], ['contrast.quantile', 1], ['contrast.quantile', 1.5],
    ];
    for (const [f, v] of cases) {
      expect(() => computeWith(x, sr, withField(f, v)), `${f} = ${String(v)}`).toThrow(RangeError);
    }
    // too short for one frame without centering; too many output cells; empty contrast bands
    const noCenter = request(sr, ['mfcc']);
    noCenter.stft.center = false;
    expect(() => engine!.compute(noise(100), sr, noCenter)).toThrow(RangeError);
    const huge = request(sr, ['stft']);
    huge.stft = { nFft: 65536, hopLength: 1, winLength: 65536, center: true };
    expect(() => engine!.compute(noise(16000), sr, huge)).toThrow(/limit/);
    const tiny = request(sr, ['contrast']);
    tiny.stft = { nFft: 16, hopLength: 4, winLength: 16, center: true };
    expect(() => engine!.compute(x, sr, tiny)).toThrow(RangeError);
  });

  it('survives a fuzzer of hostile requests (TypeError / RangeError only)', () => {
    const hostile: unknown[] = [
      undefined, null, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, 0, 0.5, 1, 3, 7, 16,
      1e308, -1e308, 2 ** 53, 2 ** 31, 65536, 1e-320, 'slaney', 'mfcc', '', {}, [], [1, 2], true, false,
      Symbol('s'), 10n, () => 1, new Float32Array(3), new Date(0),
    ];
    const paths = [
      'features', 'stft', 'mel', 'db', 'mfcc', 'chromaStft', 'contrast', 'stft.nFft', 'stft.hopLength',
      'stft.winLength', 'stft.center', 'mel.nMels', 'mel.fmin', 'mel.fmax', 'mel.htk', 'mel.norm', 'mel.power',
      'db.amin', 'db.topDb', 'mfcc.nMfcc', 'chromaStft.nChroma', 'chromaStft.tuning', 'contrast.fmin',
      'contrast.nBands', 'contrast.quantile', 'hpss', 'hpss.kernelSize', 'hpss.power', 'hpss.margin', 'chromaCqt',
      'chromaCqt.hopLength', 'chromaCqt.fmin', 'chromaCqt.nOctaves', 'chromaCqt.binsPerOctave', 'chromaCqt.tuning',
    ];
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    const short = noise(3000);
    let ok = 0;
    let rejected = 0;
    for (let i = 0; i < 1500; i++) {
      const r = JSON.parse(JSON.stringify(all([...ALL_FEATURES]))) as Record<string, Record<string, unknown>>;
      for (let j = 0; j <= rand(3); j++) {
        const keys = paths[rand(paths.length)]!.split('.');
        const v = hostile[rand(hostile.length)];
        if (keys.length === 1) (r as Record<string, unknown>)[keys[0]!] = v;
        else if (typeof r[keys[0]!] === 'object' && r[keys[0]!] !== null) r[keys[0]!]![keys[1]!] = v;
      }
      try {
        computeWith(short, [8000, 16000, 22050][rand(3)], r);
        ok++;
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        const name = (e as Error).constructor.name;
        expect(['TypeError', 'RangeError']).toContain(name);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(0);
    console.log(`fuzzer: ${ok} requests accepted, ${rejected} rejected cleanly`);
  });

  it('propagates exceptions thrown by getters and proxies', () => {
    const trap = new Proxy({}, { get: () => { throw new SyntaxError('from a getter'); } });
    expect(() => computeWith(x, sr, trap)).toThrow(/from a getter/);
    const req = all() as unknown as Record<string, unknown>;
    Object.defineProperty(req, 'mel', { get: () => { throw new Error('boom'); } });
    expect(() => computeWith(x, sr, req)).toThrow(/boom/);
    // A getter that detaches the samples' buffer while the request is parsed: caught, no use-after-free.
    const buffer = new ArrayBuffer(8000 * 4);
    const y = new Float32Array(buffer);
    y.set(noise(8000));
    const sneaky = all() as unknown as Record<string, unknown>;
    const stft = sneaky['stft'];
    Object.defineProperty(sneaky, 'stft', { get: () => { structuredClone(buffer, { transfer: [buffer] }); return stft; } });
    expect(() => computeWith(y, sr, sneaky)).toThrow(RangeError);
  });

  it('checks the argument count', () => {
    const compute = engine!.compute.bind(engine) as unknown as (...a: unknown[]) => unknown;
    expect(() => compute()).toThrow(TypeError);
    expect(() => compute(x, sr)).toThrow(TypeError);
  });
});
