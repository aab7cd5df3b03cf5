// Every kernel of the 'ser-native' backend against tfjs's own cpu kernel, and a CNN training run on both.
import { afterAll, describe, expect, it } from 'vitest';

import { NATIVE_BACKEND, NATIVE_KERNELS, RELU_GRAD_KERNEL, broadcastView, nativeBackendError, registerNativeBackend } from '../src/native-kernels.js';
import { initTf, tf, tfChoice } from '../src/tf-backend.js';

const available = registerNativeBackend();
if (!available) console.warn(`ser-native backend unavailable, its tests are skipped: ${String(nativeBackendError())}`);

/** Deterministic pseudo-random values (mulberry32), uniform in [-1, 1). */
function rand(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

function size(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Runs fn on the cpu backend and on ser-native with the same inputs; returns [reference, native] values. */
function both(inputs: { shape: number[]; seed: number }[], fn: (...xs: tf.Tensor[]) => tf.Tensor): [Float32Array, Float32Array, number[]] {
  const run = (backend: string) => {
    tf.setBackend(backend);
    const y = tf.tidy(() => fn(...inputs.map((i) => tf.tensor(rand(size(i.shape), i.seed), i.shape))));
    const result = { values: Float32Array.from(y.dataSync() as Float32Array), shape: y.shape };
    y.dispose();
    return result;
  };
  const ref = run('cpu');
  const nat = run(NATIVE_BACKEND);
  expect(nat.shape).toEqual(ref.shape);
  return [ref.values, nat.values, ref.shape];
}

/** max |a - b| / max |a| (or 1e-6 when a is all zeros). */
function relErr(ref: Float32Array, got: Float32Array): number {
  expect(got.length).toBe(ref.length);
  let maxRef = 0;
  let maxDiff = 0;
  for (let i = 0; i < ref.length; i++) {
    maxRef = Math.max(maxRef, Math.abs(ref[i]!));
    maxDiff = Math.max(maxDiff, Math.abs(ref[i]! - got[i]!));
  }
  if (Number.isNaN(maxDiff)) return Infinity;
  return maxDiff / Math.max(maxRef, 1e-6);
}

function expectClose(inputs: { shape: number[]; seed: number }[], fn: (...xs: tf.Tensor[]) => tf.Tensor): void {
  const [ref, got] = both(inputs, fn);
  expect(relErr(ref, got)).toBeLessThanOrEqual(1e-4);
}

/** Calls a kernel directly (as the gradient code does), so the test reaches it whatever the op layer decides. */
function kernel(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): tf.Tensor {
  return tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor;
}

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe.skipIf(!available)('ser-native backend', () => {
  it('registers every cpu kernel and overrides the native ones', () => {
    const cpu = new Set(tf.getKernelsForBackend('cpu').map((k) => k.kernelName));
    const native = new Set(tf.getKernelsForBackend(NATIVE_BACKEND).map((k) => k.kernelName));
    for (const name of cpu) expect(native.has(name), name).toBe(true);
    for (const name of NATIVE_KERNELS) {
      expect(tf.getKernel(name, NATIVE_BACKEND)!.kernelFunc).not.toBe(tf.getKernel(name, 'cpu')!.kernelFunc);
    }
    tf.setBackend(NATIVE_BACKEND);
    expect(tf.getBackend()).toBe(NATIVE_BACKEND);
  });

  type ConvCase = { x: number[]; f: number[]; strides: [number, number]; pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]]; dil?: [number, number] };
  const convCases: ConvCase[] = [
    { x: [2, 9, 11, 3], f: [3, 3, 3, 5], strides: [1, 1], pad: 'same' },
    { x: [1, 13, 7, 1], f: [3, 3, 1, 17], strides: [1, 1], pad: 'same' },
    { x: [3, 16, 16, 8], f: [3, 3, 8, 32], strides: [2, 2], pad: 'same' },
    { x: [2, 15, 17, 7], f: [3, 3, 7, 9], strides: [2, 2], pad: 'valid' },
    { x: [1, 12, 10, 4], f: [5, 3, 4, 6], strides: [1, 2], pad: 'valid' },
    { x: [2, 8, 9, 5], f: [2, 2, 5, 3], strides: [1, 1], pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
    { x: [1, 11, 11, 1], f: [3, 3, 1, 32], strides: [2, 2], pad: 'same' },
    { x: [2, 10, 12, 6], f: [3, 3, 6, 7], strides: [1, 1], pad: 'same', dil: [2, 2] },
    { x: [2, 12, 10, 33], f: [3, 3, 33, 40], strides: [1, 1], pad: 'same' },
    // one input channel (direct loops): channel blocks of 32, 16 and 8 plus a tail, strides, dilation, pads cutting
    // both edges
    { x: [2, 10, 9, 1], f: [5, 3, 1, 44], strides: [1, 2], pad: 'valid' },
    { x: [1, 7, 9, 1], f: [3, 3, 1, 12], strides: [2, 1], pad: [[0, 0], [2, 0], [0, 2], [0, 0]] },
    { x: [2, 12, 20, 1], f: [3, 3, 1, 16], strides: [1, 1], pad: 'same', dil: [2, 2] },
    // 3x3 stride 1: Winograd F(4x4, 3x3) where it pays (forward and input gradient from 8 in and 16 out channels,
    // filter gradient from 8 and 8; SER_NN_WINOGRAD=1 forces it for all), odd sizes, channel counts off the 8-float
    // vectors, valid and explicit pads (the input gradient falls back past pad 2), batch 1, and the im2col fallbacks
    { x: [1, 9, 7, 8], f: [3, 3, 8, 12], strides: [1, 1], pad: 'valid' },
    { x: [2, 7, 9, 16], f: [3, 3, 16, 8], strides: [1, 1], pad: [[0, 0], [2, 0], [0, 1], [0, 0]] },
    { x: [3, 11, 5, 16], f: [3, 3, 16, 70], strides: [1, 1], pad: 'same' },
    { x: [2, 6, 7, 64], f: [3, 3, 64, 20], strides: [1, 1], pad: 'same' },
    { x: [2, 9, 10, 19], f: [3, 3, 19, 21], strides: [1, 1], pad: 'same' },
    { x: [2, 10, 7, 20], f: [3, 3, 20, 66], strides: [1, 1], pad: 'valid' },
    { x: [2, 8, 8, 4], f: [3, 3, 4, 24], strides: [1, 1], pad: 'same' },
    { x: [1, 6, 6, 16], f: [3, 3, 16, 32], strides: [1, 1], pad: [[0, 0], [3, 0], [0, 3], [0, 0]] },
  ];

  it.each(convCases)('Conv2D $x * $f strides $strides pad $pad', ({ x, f, strides, pad, dil }) => {
    expectClose(
      [
        { shape: x, seed: 1 },
        { shape: f, seed: 2 },
      ],
      (a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad, 'NHWC', dil ?? [1, 1]),
    );
  });

  it.each(convCases.filter((c) => c.dil === undefined))('FusedConv2D (bias + relu, bias + linear) $x * $f', ({ x, f, strides, pad }) => {
    for (const activation of ['relu', 'linear'] as const) {
      expectClose(
        [
          { shape: x, seed: 3 },
          { shape: f, seed: 4 },
          { shape: [f[3]!], seed: 5 },
        ],
        (a, b, c) => tf.fused.conv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides, pad, bias: c, activation }),
      );
    }
  });

  it.each(convCases.filter((c) => c.dil === undefined))('Conv2DBackpropInput and Conv2DBackpropFilter $x * $f', ({ x, f, strides, pad }) => {
    const outShape = tf.backend_util.computeConv2DInfo(x as [number, number, number, number], f as [number, number, number, number], strides, 1, pad).outShape;
    expectClose(
      [
        { shape: outShape, seed: 6 },
        { shape: f, seed: 7 },
      ],
      (dy, w) => kernel('Conv2DBackpropInput', { dy: dy!, filter: w! }, { inputShape: x, strides, pad, dataFormat: 'NHWC', dimRoundingMode: undefined }),
    );
    expectClose(
      [
        { shape: x, seed: 8 },
        { shape: outShape, seed: 9 },
      ],
      (xx, dy) => kernel('Conv2DBackpropFilter', { x: xx!, dy: dy! }, { filterShape: f, strides, pad, dataFormat: 'NHWC', dimRoundingMode: undefined }),
    );
  });

  it('convolution gradients through tf.grads equal the cpu backend', () => {
    const [ref, got] = both(
      [
        { shape: [2, 9, 8, 3], seed: 10 },
        { shape: [3, 3, 3, 4], seed: 11 },
      ],
      (x, w) => {
        const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same').square().sum())([x!, w!]);
        return tf.concat([gx!.flatten(), gw!.flatten()]);
      },
    );
    expect(relErr(ref, got)).toBeLessThanOrEqual(1e-4);
  });

  const matCases: { a: number[]; b: number[]; ta: boolean; tb: boolean }[] = [
    { a: [7, 5], b: [5, 3], ta: false, tb: false },
    { a: [5, 7], b: [5, 3], ta: true, tb: false },
    { a: [7, 5], b: [3, 5], ta: false, tb: true },
    { a: [5, 7], b: [3, 5], ta: true, tb: true },
    { a: [3, 33, 65], b: [3, 65, 17], ta: false, tb: false },
    { a: [1, 20, 30], b: [4, 30, 9], ta: false, tb: false },
    { a: [4, 30, 20], b: [9, 30], ta: true, tb: true },
    { a: [2, 3, 10, 11], b: [2, 3, 11, 12], ta: false, tb: false },
    { a: [130, 257], b: [257, 70], ta: false, tb: false },
  ];

  it.each(matCases)('BatchMatMul $a x $b transposeA $ta transposeB $tb', ({ a, b, ta, tb }) => {
    expectClose(
      [
        { shape: a, seed: 12 },
        { shape: b, seed: 13 },
      ],
      (x, y) => tf.matMul(x!, y!, ta, tb),
    );
  });

  it('_FusedMatMul with bias and relu', () => {
    expectClose(
      [
        { shape: [33, 40], seed: 14 },
        { shape: [40, 19], seed: 15 },
        { shape: [19], seed: 16 },
      ],
      (a, b, c) => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias: c, activation: 'relu' }),
    );
  });

  const poolCases: { x: number[]; size: [number, number]; strides: [number, number]; pad: 'same' | 'valid' }[] = [
    { x: [2, 16, 16, 8], size: [2, 2], strides: [2, 2], pad: 'valid' },
    { x: [2, 15, 13, 6], size: [2, 2], strides: [2, 2], pad: 'valid' },
    { x: [1, 9, 12, 4], size: [3, 3], strides: [3, 3], pad: 'valid' },
    { x: [1, 15, 13, 3], size: [2, 2], strides: [2, 2], pad: 'same' },
    { x: [3, 11, 12, 5], size: [3, 3], strides: [2, 2], pad: 'same' },
    { x: [2, 9, 9, 4], size: [3, 2], strides: [1, 1], pad: 'valid' },
  ];

  it.each(poolCases)('MaxPool and MaxPoolGrad $x size $size strides $strides $pad', ({ x, size: filter, strides, pad }) => {
    expectClose([{ shape: x, seed: 17 }], (a) => tf.maxPool(a as tf.Tensor4D, filter, strides, pad));
    const pooled = (t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, filter, strides, pad);
    const [ref, got] = both([{ shape: x, seed: 18 }], (a) =>
      tf.grad((t: tf.Tensor) => {
        const y = pooled(t);
        return y.mul(tf.range(1, 1 + size(y.shape)).reshape(y.shape)).sum();
      })(a!),
    );
    expect(relErr(ref, got)).toBeLessThanOrEqual(1e-4);
  });

  it('element-wise kernels with broadcasting (big enough for the native path)', () => {
    const big = [4, 16, 16, 17];
    const pairs: [number[], number[]][] = [
      [big, big],
      [big, [17]],
      [big, [1, 1, 1, 17]],
      [big, [4, 1, 1, 17]],
      [big, []],
      [[17], big],
      [[4, 1, 1, 17], big],
      [big, [16, 1, 17]],
      [big, [4, 16, 1, 1]],
    ];
    for (const [sa, sb] of pairs) {
      for (const op of [tf.add, tf.sub, tf.mul, tf.div]) {
        const [ref, got] = both(
          [
            { shape: sa, seed: 19 },
            { shape: sb, seed: 20 },
          ],
          (a, b) => (op === tf.div ? op(a!, b!.abs().add(0.5)) : op(a!, b!)),
        );
        expect(relErr(ref, got), `${op.name} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`).toBeLessThanOrEqual(1e-4);
      }
    }
    expectClose([{ shape: big, seed: 21 }], (a) => tf.relu(a!));
    expectClose([{ shape: big, seed: 22 }], (a) => tf.step(a!));
    expectClose([{ shape: big, seed: 32 }], (a) => tf.sqrt(a!.abs()));
    const [refNeg, gotNeg] = both([{ shape: big, seed: 33 }], (a) => tf.sqrt(a!));
    refNeg.forEach((v, i) => expect(Number.isNaN(v) ? Number.isNaN(gotNeg[i]!) : Math.abs(v - gotNeg[i]!) <= 1e-6 * Math.max(1, v)).toBe(true));
    expectClose([{ shape: big, seed: 23 }], (a) => tf.grad((t: tf.Tensor) => tf.relu(t).mul(t).sum())(a!));
  });

  it('Sum and Mean over contiguous axes (and the cpu fallback for others)', () => {
    const shape = [6, 17, 19, 5];
    for (const axis of [[0], [3], [1, 2], [0, 1, 2], [2, 3], [0, 1, 2, 3], [0, 2], [-1]]) {
      for (const keepDims of [false, true]) {
        expectClose([{ shape, seed: 24 }], (a) => tf.sum(a!, axis, keepDims));
        expectClose([{ shape, seed: 25 }], (a) => tf.mean(a!, axis, keepDims));
      }
    }
  });

  it('a bias gradient: Sum over all but the channel axis of a big tensor (threads split the rows)', () => {
    // 195,195 values, 15,015 rows of 13 channels: the partial-sums path, with a last block shorter than the others.
    expectClose([{ shape: [7, 33, 65, 13], seed: 26 }], (a) => tf.sum(a!, [0, 1, 2]));
    expectClose([{ shape: [7, 33, 65, 13], seed: 27 }], (a) => tf.mean(a!, [0, 1, 2], true));
  });

  it("ReLU's gradient is one fused native kernel, equal to tfjs's dy * step(x) (NaN and zeros included)", async () => {
    const shape = [4, 16, 16, 17];
    const withSpecials = (t: tf.Tensor) => {
      const v = Float32Array.from(t.dataSync() as Float32Array);
      v[0] = Number.NaN;
      v[1] = 0;
      v[2] = -0;
      return tf.tensor(v, t.shape);
    };
    const gradOf = (a: tf.Tensor) => tf.grad((t: tf.Tensor) => tf.relu(t).mul(tf.range(0, size(shape)).reshape(shape).sin()).sum())(withSpecials(a));
    const [ref, got] = both([{ shape, seed: 28 }], gradOf);
    expect(Number.isNaN(got[0]!) && Number.isNaN(ref[0]!)).toBe(true);
    expect(got[1]).toBe(0);
    expect(got[2]).toBe(0);
    ref[0] = got[0] = 0;
    expect(relErr(ref, got)).toBeLessThanOrEqual(1e-6);
    tf.setBackend(NATIVE_BACKEND);
    const x = tf.tensor(rand(size(shape), 29), shape);
    const profile = await tf.profile(() => tf.grad((t: tf.Tensor) => tf.relu(t).sum())(x));
    x.dispose();
    const names = profile.kernels.map((k) => k.name);
    expect(names).toContain(RELU_GRAD_KERNEL);
    expect(names).not.toContain('Step');
  });

  it("a bias gradient behind a ReLU (summed by the ReLU gradient's kernel) equals the cpu backend's", () => {
    // 278,528 values: big enough for the recycled arrays whose channel sums the backend remembers.
    const shape = [4, 64, 64, 17];
    const weights = tf.tidy(() => tf.range(0, size(shape)).reshape(shape).mul(0.37).sin());
    const [ref, got] = both(
      [
        { shape, seed: 30 },
        { shape: [17], seed: 31 },
      ],
      (x, b) => {
        const [gx, gb] = tf.grads((a: tf.Tensor, c: tf.Tensor) => tf.relu(a.add(c)).mul(weights).sum())([x!, b!]);
        return tf.concat([gb!.flatten(), gx!.flatten()]);
      },
    );
    expect(relErr(ref.subarray(0, 17), got.subarray(0, 17))).toBeLessThanOrEqual(1e-4);
    expect(relErr(ref, got)).toBeLessThanOrEqual(1e-4);
    weights.dispose();
  });

  it('Tile, FusedBatchNorm and Square (the BatchNormalization path) equal the cpu kernels', () => {
    for (const [shape, reps] of [[[1, 1, 1, 7], [5, 9, 11, 1]], [[3, 1, 4], [2, 33, 1]], [[2, 3, 5], [1, 1, 1]], [[4, 1], [1, 2000]], [[5], [900]]] as [number[], number[]][]) {
      expectClose([{ shape, seed: 40 }], (a) => tf.tile(a!, reps));
    }
    const x = { shape: [4, 13, 17, 6], seed: 41 };
    const c = (seed: number) => ({ shape: [6], seed });
    expectClose([x, c(42), c(43), c(44), c(45)], (a, m, v, o, s) => tf.batchNorm(a!, m!, tf.abs(v!), o!, s!, 1e-3));
    expectClose([x, c(46), c(47)], (a, m, v) => tf.batchNorm(a!, m!, tf.abs(v!), undefined, undefined, 1e-5));
    expectClose([x, { shape: [1], seed: 48 }, { shape: [1], seed: 49 }], (a, m, v) => tf.batchNorm(a!, m!, tf.abs(v!)));
    expectClose([x], (a) => tf.square(a!));
    // The gradient of a BatchNormalization layer in training mode, end to end.
    expectClose([x, c(50), c(51)], (a, g, b) => tf.grad((t: tf.Tensor) => {
      const { mean, variance } = tf.moments(t, [0, 1, 2]);
      return tf.batchNorm(t, mean, variance, b!, g!, 1e-3).square().sum();
    })(a!));
  });

  it('falls back to the cpu kernel for int32 and tiny tensors', () => {
    tf.setBackend(NATIVE_BACKEND);
    const r = tf.tidy(() => tf.add(tf.tensor([1, 2, 3], [3], 'int32'), tf.tensor([4], [1], 'int32')).arraySync());
    expect(r).toEqual([5, 6, 7]);
  });

  it('recycles big outputs without changing values the caller read', () => {
    tf.setBackend(NATIVE_BACKEND);
    const x = tf.tensor(rand(1 << 20, 26), [1 << 20]);
    const y = tf.relu(x);
    const read = y.dataSync();
    const copy = Float32Array.from(read);
    y.dispose();
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        tf.relu(tf.neg(x)).dataSync();
      });
    }
    let same = read.length === copy.length;
    for (let i = 0; same && i < copy.length; i++) same = Object.is(read[i], copy[i]);
    expect(same).toBe(true);
    x.dispose();
  });

  it('broadcastView finds [outer, mid, inner] views', () => {
    expect(broadcastView([2, 3, 4], [2, 3, 4])).toEqual({ outer: 1, mid: 1, inner: 24 });
    expect(broadcastView([2, 3, 4], [4])).toEqual({ outer: 1, mid: 6, inner: 4 });
    expect(broadcastView([2, 3, 4], [2, 1, 4])).toEqual({ outer: 2, mid: 3, inner: 4 });
    expect(broadcastView([2, 3, 4], [2, 1, 1])).toEqual({ outer: 2, mid: 12, inner: 1 });
    expect(broadcastView([2, 3, 4], [])).toEqual({ outer: 1, mid: 24, inner: 1 });
    expect(broadcastView([2, 3, 4], [1, 3, 1])).toBeNull();
    expect(broadcastView([2, 3], [2, 3, 4])).toBeNull();
  });

  it('trains a small CNN with the same loss trajectory as the cpu backend', async () => {
    const losses = async (backend: string): Promise<number[]> => {
      await tf.setBackend(backend);
      const model = tf.sequential();
      model.add(tf.layers.conv2d({ inputShape: [20, 18, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
      model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
      model.add(tf.layers.conv2d({ filters: 12, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
      model.add(tf.layers.globalAveragePooling2d({}));
      model.add(tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
      const x = tf.tensor(rand(16 * 20 * 18, 30), [16, 20, 18, 1]);
      const labels = Array.from({ length: 16 }, (_, i) => i % 4);
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 4);
      const out: number[] = [];
      for (let i = 0; i < 8; i++) out.push((await model.trainOnBatch(x, y)) as number);
      model.dispose();
      x.dispose();
      y.dispose();
      return out;
    };
    const ref = await losses('cpu');
    const got = await losses(NATIVE_BACKEND);
    expect(ref[7]!).toBeLessThan(ref[0]!);
    for (let i = 0; i < ref.length; i++) expect(Math.abs(got[i]! - ref[i]!)).toBeLessThan(1e-3 * Math.max(1, Math.abs(ref[i]!)));
  });

  it.skipIf(process.env['SER_TF_BACKEND'] !== undefined)('initTf() chooses ser-native here and says why it skipped the others', async () => {
    const choice = await tfChoice();
    expect(choice.backend).toBe(NATIVE_BACKEND);
    expect(choice.source).toBe('@ser/native');
    // tfjs-node(-gpu) are not installed here: the dynamic imports fail quietly.
    expect(choice.skipped.some((s) => s.startsWith('@tensorflow/tfjs-node:'))).toBe(true);
    expect(await initTf()).toBe(NATIVE_BACKEND);
    expect(tf.getBackend()).toBe(NATIVE_BACKEND);
  });
});
