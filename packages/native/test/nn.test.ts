// The NN kernels (cpp/nn_*.cpp) through their typed wrapper: results against naive loops, and the binding's
// validation (TypeError for wrong types, RangeError for lengths that do not match the shape; never a crash).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it, vi } from 'vitest';

import { loadNativeNn } from '../src/index.js';
import type { ConvShape, NativeNn, NnBinding, PoolShape } from '../src/index.js';

let nn: NativeNn | undefined;
try {
  nn = loadNativeNn();
} catch (e) {
  console.warn(`native addon not loadable, nn tests skipped: ${String(e).split('\n')[0]}`);
}

function rand(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 1073741824 - 1;
  });
}

function maxRelErr(ref: ArrayLike<number>, got: ArrayLike<number>): number {
  let m = 0;
  let d = 0;
  for (let i = 0; i < ref.length; i++) {
    m = Math.max(m, Math.abs(ref[i]!));
    d = Math.max(d, Math.abs(ref[i]! - got[i]!));
  }
  return d / Math.max(m, 1e-6);
}

function naiveConv(s: ConvShape, x: Float32Array, w: Float32Array): Float64Array {
  const y = new Float64Array(s.batchSize * s.outHeight * s.outWidth * s.outChannels);
  for (let b = 0; b < s.batchSize; b++)
    for (let oh = 0; oh < s.outHeight; oh++)
      for (let ow = 0; ow < s.outWidth; ow++)
        for (let co = 0; co < s.outChannels; co++) {
          let acc = 0;
          for (let kh = 0; kh < s.filterHeight; kh++)
            for (let kw = 0; kw < s.filterWidth; kw++) {
              const ih = oh * s.strideHeight + kh * s.dilationHeight - s.padTop;
              const iw = ow * s.strideWidth + kw * s.dilationWidth - s.padLeft;
              if (ih < 0 || ih >= s.inHeight || iw < 0 || iw >= s.inWidth) continue;
              for (let ci = 0; ci < s.inChannels; ci++) {
                acc += x[((b * s.inHeight + ih) * s.inWidth + iw) * s.inChannels + ci]! * w[((kh * s.filterWidth + kw) * s.inChannels + ci) * s.outChannels + co]!;
              }
            }
          y[((b * s.outHeight + oh) * s.outWidth + ow) * s.outChannels + co] = acc;
        }
  return y;
}

const conv: ConvShape = {
  batchSize: 2,
  inHeight: 7,
  inWidth: 6,
  inChannels: 3,
  outHeight: 4,
  outWidth: 3,
  outChannels: 5,
  filterHeight: 3,
  filterWidth: 3,
  strideHeight: 2,
  strideWidth: 2,
  dilationHeight: 1,
  dilationWidth: 1,
  padTop: 1,
  padLeft: 1,
};
const pool: PoolShape = {
  batchSize: 1,
  inHeight: 4,
  inWidth: 4,
  inChannels: 2,
  outHeight: 2,
  outWidth: 2,
  filterHeight: 2,
  filterWidth: 2,
  strideHeight: 2,
  strideWidth: 2,
  padTop: 0,
  padLeft: 0,
};
const xLen = 2 * 7 * 6 * 3;
const wLen = 3 * 3 * 3 * 5;
const yLen = 2 * 4 * 3 * 5;

describe.skipIf(!nn)('nn kernels', () => {
  const k = (): NnBinding => nn!.binding;

  it('conv2d, its input and filter gradients match naive loops (adjoint identities)', () => {
    const x = rand(xLen, 1);
    const w = rand(wLen, 2);
    const y = nn!.conv2d(x, w, conv);
    expect(maxRelErr(naiveConv(conv, x, w), y)).toBeLessThan(1e-5);
    // strided im2col + GEMM, the direct one-channel loops, and Winograd (3x3, stride 1, 8+ channels)
    const wino = { ...conv, inChannels: 9, outChannels: 10, strideHeight: 1, strideWidth: 1, outHeight: 7, outWidth: 6 };
    for (const s of [conv, { ...conv, inChannels: 1 }, wino, { ...wino, padTop: 0, padLeft: 2, outHeight: 5, outWidth: 6 }]) {
      const yLen = s.batchSize * s.outHeight * s.outWidth * s.outChannels;
      const xs = rand(s.batchSize * s.inHeight * s.inWidth * s.inChannels, 3);
      const ws = rand(s.filterHeight * s.filterWidth * s.inChannels * s.outChannels, 4);
      const dy = rand(yLen, 5);
      // <conv(x, w), dy> = <x, dX(dy, w)> = <w, dW(x, dy)>
      // SER_NN_WINOGRAD=1 forces Winograd where the shape allows it (the kernels read it on every call).
      if (s.inChannels === 9) process.env['SER_NN_WINOGRAD'] = '1';
      const ys = nn!.conv2d(xs, ws, s);
      expect(maxRelErr(naiveConv(s, xs, ws), ys)).toBeLessThan(1e-5);
      const dx = nn!.conv2dBackpropInput(dy, ws, s);
      const dw = nn!.conv2dBackpropFilter(xs, dy, s);
      delete process.env['SER_NN_WINOGRAD'];
      const dot = (a: Float32Array, b: Float32Array) => a.reduce((acc, v, i) => acc + v * b[i]!, 0);
      const ref = dot(ys, dy);
      expect(Math.abs(dot(xs, dx) - ref)).toBeLessThan(1e-4 * Math.max(1, Math.abs(ref)));
      expect(Math.abs(dot(ws, dw) - ref)).toBeLessThan(1e-4 * Math.max(1, Math.abs(ref)));
    }
  });

  it('conv2d applies bias and relu', () => {
    const x = rand(xLen, 6);
    const w = rand(wLen, 7);
    const bias = rand(5, 8);
    const plain = nn!.conv2d(x, w, conv);
    const fused = nn!.conv2d(x, w, conv, bias, 'relu');
    for (let i = 0; i < plain.length; i++) expect(fused[i]).toBeCloseTo(Math.max(0, plain[i]! + bias[i % 5]!), 5);
  });

  it('matmul with transposes and a broadcast batch', () => {
    const [m, n, kk] = [13, 21, 35];
    const a = rand(m * kk, 9);
    const b = rand(2 * kk * n, 10);
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const c = nn!.matmul(a, b, { batch: 2, aBatch: 1, bBatch: 2, m, n, k: kk }, ta, tb);
        const ref = new Float64Array(2 * m * n);
        for (let bi = 0; bi < 2; bi++)
          for (let i = 0; i < m; i++)
            for (let j = 0; j < n; j++) {
              let s = 0;
              for (let q = 0; q < kk; q++) {
                const av = ta ? a[q * m + i]! : a[i * kk + q]!;
                const bv = tb ? b[bi * kk * n + j * kk + q]! : b[bi * kk * n + q * n + j]!;
                s += av * bv;
              }
              ref[(bi * m + i) * n + j] = s;
            }
        expect(maxRelErr(ref, c)).toBeLessThan(1e-5);
      }
    }
  });

  it('maxPool, maxPoolGrad, element-wise and reductions', () => {
    const x = Float32Array.from({ length: 32 }, (_, i) => (i * 7) % 32);
    const y = nn!.maxPool(x, pool);
    const dx = nn!.maxPoolGrad(x, Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), pool);
    for (let o = 0; o < 4; o++)
      for (let c = 0; c < 2; c++) {
        const oh = Math.floor(o / 2);
        const ow = o % 2;
        const cells = [0, 1, 2, 3].map((q) => ((oh * 2 + (q >> 1)) * 4 + ow * 2 + (q & 1)) * 2 + c);
        const best = cells.reduce((p, q) => (x[q]! > x[p]! ? q : p));
        expect(y[o * 2 + c]).toBe(x[best]);
        expect(dx[best]).toBe(o * 2 + c + 1);
      }
    expect(Array.from(nn!.binary('sub', Float32Array.from([5, 6, 7, 8]), Float32Array.from([1, 2])))).toEqual([4, 4, 6, 6]);
    expect(Array.from(nn!.binary('div', Float32Array.from([1, 2, 3, 4]), Float32Array.from([2, 4]), { outer: 1, mid: 2, inner: 2 }, true))).toEqual([2, 2, Math.fround(2 / 3), 1]);
    expect(Array.from(nn!.unary('relu', Float32Array.from([-1, 0, 2])))).toEqual([0, 0, 2]);
    expect(Array.from(nn!.unary('step', Float32Array.from([-1, 0, 2])))).toEqual([0, 0, 1]);
    expect(Array.from(nn!.unary('sqrt', Float32Array.from([4, 0, 2, -1])))).toEqual([2, 0, Math.fround(Math.SQRT2), Number.NaN]);
    expect(Array.from(nn!.reluGrad(Float32Array.from([3, 4, 5]), Float32Array.from([-1, 0, 2])))).toEqual([0, 0, 5]);
    // With per-channel sums of the result (a bias gradient), over many rows split between threads.
    const rows = 40_000;
    const dyBig = Float32Array.from({ length: rows * 3 }, (_, i) => (i % 7) - 3);
    const xBig = Float32Array.from({ length: rows * 3 }, (_, i) => (i % 5) - 2);
    const out = new Float32Array(rows * 3);
    const sums = new Float32Array(3);
    k().reluGrad(dyBig, xBig, out, sums);
    const expected = [0, 0, 0];
    out.forEach((v, i) => {
      expect(v === (xBig[i]! > 0 ? dyBig[i] : 0)).toBe(true); // -0 where dy < 0, as tfjs's dy * 0
      expected[i % 3]! += v;
    });
    expect(Array.from(sums)).toEqual(expected);
    expect(Array.from(nn!.reduceSum(Float32Array.from([1, 2, 3, 4, 5, 6]), 1, 2, 3))).toEqual([5, 7, 9]);
    expect(Array.from(nn!.reduceSum(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3, 1, true))).toEqual([2, 5]);
  });

  it('rejects wrong types with TypeError', () => {
    const x = rand(xLen, 1);
    const w = rand(wLen, 2);
    const y = new Float32Array(yLen);
    expect(() => k().conv2d(Array.from(x) as unknown as Float32Array, w, null, y, conv, 'linear')).toThrow(TypeError);
    expect(() => k().conv2d(new Float64Array(xLen) as unknown as Float32Array, w, null, y, conv, 'linear')).toThrow(TypeError);
    expect(() => k().conv2d(x, w, null, y, null as unknown as ConvShape, 'linear')).toThrow(TypeError);
    expect(() => k().conv2d(x, w, null, y, { ...conv, inHeight: '7' } as unknown as ConvShape, 'linear')).toThrow(TypeError);
    expect(() => k().conv2d(x, w, 5 as unknown as Float32Array, y, conv, 'linear')).toThrow(TypeError);
    expect(() => (k().conv2d as unknown as (...a: unknown[]) => void)(x, w)).toThrow(TypeError);
    expect(() => k().matmul(x, w, y, 1, 1, 1, 2, 2, 2, 0 as unknown as boolean, false)).toThrow(TypeError);
    expect(() => k().binary(1 as unknown as 'add', x, x, new Float32Array(xLen), 1, 1, xLen, false)).toThrow(TypeError);
    expect(() => k().unary('relu', new Int32Array(4) as unknown as Float32Array, new Float32Array(4))).toThrow(TypeError);
    expect(() => k().maxPool(new Float32Array(32), new Float32Array(8), { ...pool, padTop: undefined } as unknown as PoolShape)).toThrow(TypeError);
  });

  it('rejects wrong lengths, negative or fractional dims and bad options with RangeError', () => {
    const x = rand(xLen, 1);
    const w = rand(wLen, 2);
    const y = new Float32Array(yLen);
    expect(() => k().conv2d(x.subarray(1), w, null, y, conv, 'linear')).toThrow(RangeError);
    expect(() => k().conv2d(x, w.subarray(1), null, y, conv, 'linear')).toThrow(RangeError);
    expect(() => k().conv2d(x, w, new Float32Array(4), y, conv, 'linear')).toThrow(RangeError);
    expect(() => k().conv2d(x, w, null, new Float32Array(yLen + 1), conv, 'linear')).toThrow(RangeError);
    expect(() => k().conv2d(x, w, null, y, { ...conv, batchSize: -2 }, 'linear')).toThrow(RangeError);
    expect(() => k().conv2d(x, w, null, y, { ...conv, strideHeight: 0 }, 'linear')).toThrow(RangeError);
    expect(() => k().conv2d(x, w, null, y, { ...conv, padTop: 1.5 }, 'linear')).toThrow(RangeError);
    expect(() => k().conv2d(x, w, null, y, { ...conv, outHeight: Number.NaN }, 'linear')).toThrow(RangeError);
    expect(() => k().conv2d(x, w, null, y, { ...conv, batchSize: 2 ** 30, inHeight: 2 ** 20 }, 'linear')).toThrow(RangeError);
    expect(() => k().conv2d(x, w, null, y, conv, 'tanh' as 'relu')).toThrow(RangeError);
    expect(() => k().conv2d(x, w, null, x.subarray(0, yLen), conv, 'linear')).toThrow(RangeError); // out overlaps x
    expect(() => k().conv2dBackpropInput(y.subarray(2), w, new Float32Array(xLen), conv)).toThrow(RangeError);
    expect(() => k().conv2dBackpropFilter(x, y, new Float32Array(wLen - 1), conv)).toThrow(RangeError);
    expect(() => k().matmul(new Float32Array(6), new Float32Array(6), new Float32Array(5), 1, 1, 1, 2, 2, 3, false, false)).toThrow(RangeError);
    expect(() => k().matmul(new Float32Array(6), new Float32Array(6), new Float32Array(4), 2, 3, 1, 2, 2, 3, false, false)).toThrow(RangeError);
    expect(() => k().matmul(new Float32Array(6), new Float32Array(6), new Float32Array(4), 1, 1, 1, -2, 2, 3, false, false)).toThrow(RangeError);
    expect(() => k().maxPool(new Float32Array(31), new Float32Array(8), pool)).toThrow(RangeError);
    expect(() => k().maxPoolGrad(new Float32Array(32), new Float32Array(7), new Float32Array(32), pool)).toThrow(RangeError);
    expect(() => k().binary('pow' as 'add', x, x, new Float32Array(xLen), 1, 1, xLen, false)).toThrow(RangeError);
    expect(() => k().binary('add', x, x.subarray(0, 5), new Float32Array(xLen), 1, xLen / 5, 5, false)).toThrow(RangeError);
    expect(() => k().unary('relu', x, new Float32Array(3))).toThrow(RangeError);
    expect(() => k().reduceSum(x, 2, 3, 4, false, new Float32Array(8))).toThrow(RangeError);
    expect(() => k().reluGrad(x, x, new Float32Array(xLen), new Float32Array(xLen + 1))).toThrow(RangeError);
    expect(() => nn!.binary('add', x, new Float32Array(0))).toThrow(RangeError);
  });

  it('the README example of loadNativeNn runs and prints what it says', async () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const code = [...readme.matchAll(/```ts\n([^`]*)```/g)].map((m) => m[1]!).find((c) => c.includes('loadNativeNn'));
    expect(code).toBeDefined();
    const src = join(import.meta.dirname, '..', 'src', 'index.ts');
    const dir = mkdtempSync(join(tmpdir(), 'ser-native-nn-readme-'));
    const logs: unknown[][] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args));
    try {
      const file = join(dir, 'example.ts');
      writeFileSync(file, code!.replace("from '@ser/native'", `from ${JSON.stringify(src)}`));
      await import(file);
      const expected = [...code!.matchAll(/console\.log\(.*\); \/\/ (.*)/g)].map((m) => m[1]);
      expect(logs.map((args) => args.map(String).join(' '))).toEqual(expected);
    } finally {
      spy.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
