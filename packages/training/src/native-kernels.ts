/**
 * The 'ser-native' TensorFlow.js backend: tfjs-backend-cpu's MathBackendCPU with every cpu kernel, where the hot
 * ones of CNN training (convolutions and their gradients, matrix products, max pooling and its gradient, ReLU,
 * element-wise arithmetic on big tensors, sums and means) run in @ser/native's C++ kernels (our blocked,
 * multi-threaded SGEMM). Any case a native kernel does not cover (another dtype, NCHW, a broadcast it does not
 * handle, PReLU...) falls back to the cpu kernel, so results are always the cpu backend's, within float rounding.
 */
import { loadNativeNn } from '@ser/native';
import type { ConvShape, NativeNn, PoolShape } from '@ser/native';
import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs';
import { batchNormCoefficients, tileF32 } from './ts-kernels.js';

/** The backend's name, as tf.getBackend() reports it. */
export const NATIVE_BACKEND = 'ser-native';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type KernelResult = ReturnType<tf.KernelFunc>;
type Conv2DInfo = tf.backend_util.Conv2DInfo;
type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;
type Pair = number | [number, number];

/** The kernels with a native implementation (each falls back to the cpu kernel outside what it covers). */
export const NATIVE_KERNELS = [
  'Conv2D',
  'FusedConv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  'BatchMatMul',
  '_FusedMatMul',
  'MaxPool',
  'MaxPoolGrad',
  'Relu',
  'Step',
  'Sqrt',
  'Add',
  'Sub',
  'Multiply',
  'RealDiv',
  'Sum',
  'Mean',
] as const;

/** Kernels replaced by TypeScript ones (ts-kernels.ts) that are much faster than the cpu backend's generic loops. */
export const TYPESCRIPT_KERNELS = ['Tile', 'FusedBatchNorm', 'Square'] as const;

/** Tensors smaller than this run the cpu kernel: the call into C++ would cost more than it saves. */
const MIN_ELEMENTWISE = 4096;

const cpuKernels = new Map<string, tf.KernelConfig>();

function fallback(name: string, args: KernelArgs): KernelResult {
  const k = cpuKernels.get(name);
  if (k === undefined) throw new Error(`ser-native: no cpu kernel ${name} to fall back to`);
  return k.kernelFunc(args);
}

function backendOf(args: KernelArgs): NativeBackend {
  return args.backend as NativeBackend;
}

/** The Float32Array behind a float32 tensor on this backend, or null (other dtype or storage). */
function f32(backend: MathBackendCPU, t: tf.TensorInfo | undefined): Float32Array | null {
  if (t === undefined || t.dtype !== 'float32') return null;
  const values = backend.data.get(t.dataId)?.values;
  return values instanceof Float32Array ? values : null;
}

function out(backend: MathBackendCPU, shape: number[], values: Float32Array): tf.TensorInfo {
  return backend.makeTensorInfo(shape, 'float32', values);
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** tfjs's own convolution geometry for a kernel's shapes and attributes (strides, pad, rounding, data format). */
function conv2dInfo(inShape: [number, number, number, number], filterShape: [number, number, number, number], a: tf.NamedAttrMap, dilations: Pair = 1): Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(inShape, filterShape, a['strides'] as Pair, dilations, a['pad'] as Pad, a['dimRoundingMode'] as Rounding, false, dataFormatOf(a));
}

function convShape(info: Conv2DInfo): ConvShape | null {
  if (info.dataFormat !== 'channelsLast') return null;
  const sizes = [info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels];
  if (sizes.some((d) => d < 1)) return null;
  if (info.padInfo.top < 0 || info.padInfo.left < 0) return null;
  return {
    batchSize: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

function poolShape(info: Conv2DInfo): PoolShape | null {
  if (info.dataFormat !== 'channelsLast' || info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  const sizes = [info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth];
  if (sizes.some((d) => d < 1) || info.padInfo.top < 0 || info.padInfo.left < 0) return null;
  return {
    batchSize: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

function dataFormatOf(attrs: tf.NamedAttrMap): 'channelsLast' | 'channelsFirst' {
  return attrs['dataFormat'] === 'NCHW' ? 'channelsFirst' : 'channelsLast';
}

function as4(shape: readonly number[]): [number, number, number, number] | null {
  return shape.length === 4 ? [shape[0]!, shape[1]!, shape[2]!, shape[3]!] : null;
}

/** 1-D bias of n floats (or [1, .., 1, n]), else null. */
function biasOf(backend: MathBackendCPU, bias: tf.TensorInfo | undefined, n: number): Float32Array | null | undefined {
  if (bias === undefined) return undefined;
  if (sizeOf(bias.shape) !== n || (bias.shape.length > 0 && bias.shape[bias.shape.length - 1] !== n)) return null;
  return f32(backend, bias);
}

/**
 * When `small` broadcasts into `big` over one contiguous run of axes (same shape, a bias over the trailing axes, a
 * [n, 1, 1, c] gradient over [n, h, w, c], a scalar), big as [outer, mid, inner] and small as [outer, 1, inner].
 */
export function broadcastView(big: readonly number[], small: readonly number[]): { outer: number; mid: number; inner: number } | null {
  if (small.length > big.length) return null;
  const pad = big.length - small.length;
  let outer = 1;
  let mid = 1;
  let inner = 1;
  let phase = 0; // 0: kept axes before the broadcast run, 1: in it, 2: kept axes after it
  for (let d = 0; d < big.length; d++) {
    const bd = big[d]!;
    const sd = d < pad ? 1 : small[d - pad]!;
    if (bd === 1) {
      if (sd !== 1) return null;
      continue;
    }
    if (sd === bd) {
      if (phase === 1) phase = 2;
      if (phase === 0) outer *= bd;
      else inner *= bd;
    } else if (sd === 1) {
      if (phase === 2) return null;
      phase = 1;
      mid *= bd;
    } else {
      return null;
    }
  }
  if (phase === 0) return { outer: 1, mid: 1, inner: outer };
  return { outer, mid, inner };
}

/** Big outputs of the native kernels are recycled once their tensor is disposed (see NativeBackend). */
const RECYCLE_MIN = 1 << 18;
/** At most this many bytes wait for reuse. */
const POOL_MAX_BYTES = 1 << 30;

/**
 * MathBackendCPU whose big float32 outputs of native kernels are recycled: a fresh 64 MiB array costs ~40 ms of page
 * faults (the OS zeroes every page on first touch), more than the kernel that fills it. An array is reused only
 * when its tensor's data is freed (reference count 0) and it never left the backend: read() and readSync() (through
 * which dataSync(), data(), array() and tensor moves pass) mark it as escaped, as do kernels that alias an input's
 * array into another tensor (Complex). Recycled arrays are fully overwritten by the kernel that takes them.
 */
export class NativeBackend extends MathBackendCPU {
  readonly #pool = new Map<number, Float32Array[]>();
  #pooledBytes = 0;
  readonly #owned = new WeakSet<Float32Array>();
  readonly #channelSums = new WeakMap<Float32Array, Float32Array>();

  /** An output array of n floats (contents undefined: the caller overwrites all of it). */
  alloc(n: number): Float32Array {
    if (n < RECYCLE_MIN) return new Float32Array(n);
    const hit = this.#pool.get(n)?.pop();
    if (hit !== undefined) {
      this.#pooledBytes -= hit.byteLength;
      this.#channelSums.delete(hit);
      return hit;
    }
    const fresh = new Float32Array(n);
    this.#owned.add(fresh);
    return fresh;
  }

  /** Gives back a scratch array from alloc() that no tensor holds. */
  release(values: Float32Array): void {
    if (!this.#owned.has(values) || this.#pooledBytes + values.byteLength > POOL_MAX_BYTES) return;
    const list = this.#pool.get(values.length);
    if (list === undefined) this.#pool.set(values.length, [values]);
    else list.push(values);
    this.#pooledBytes += values.byteLength;
  }

  /** Marks an array as visible outside the backend: it is never recycled. */
  escape(values: unknown): void {
    if (values instanceof Float32Array) {
      this.#owned.delete(values);
      this.#channelSums.delete(values);
    }
  }

  /**
   * Records the sums over every axis but the last of a kernel's output array, computed while it was written (ReLU's
   * gradient does, for the bias gradient that follows it). Only arrays the backend owns: their contents never
   * change until they are recycled, which forgets the sums.
   */
  rememberChannelSums(values: Float32Array, sums: Float32Array): void {
    if (this.#owned.has(values)) this.#channelSums.set(values, sums);
  }

  /** The sums rememberChannelSums recorded for this array, if it is still the array they were computed from. */
  channelSumsOf(values: Float32Array): Float32Array | undefined {
    return this.#owned.has(values) ? this.#channelSums.get(values) : undefined;
  }

  override disposeData(dataId: tf.DataId, force = false): boolean {
    const values = this.data.has(dataId) ? this.data.get(dataId)!.values : undefined;
    const freed = super.disposeData(dataId, force);
    if (freed && values instanceof Float32Array && this.#owned.has(values) && !this.data.has(dataId)) {
      if (this.#pooledBytes + values.byteLength <= POOL_MAX_BYTES) {
        const list = this.#pool.get(values.length);
        if (list === undefined) this.#pool.set(values.length, [values]);
        else list.push(values);
        this.#pooledBytes += values.byteLength;
      }
    }
    return freed;
  }

  override readSync(dataId: tf.DataId): tf.backend_util.BackendValues {
    const v = super.readSync(dataId);
    this.escape(v);
    if (this.data.has(dataId)) this.escape(this.data.get(dataId)!.values);
    return v;
  }

  override async read(dataId: tf.DataId): Promise<tf.backend_util.BackendValues> {
    if (this.data.has(dataId)) this.escape(this.data.get(dataId)!.values);
    const v = await super.read(dataId);
    this.escape(v);
    return v;
  }

  /** Arrays waiting for reuse, in bytes. */
  get pooledBytes(): number {
    return this.#pooledBytes;
  }

  override dispose(): void {
    this.#pool.clear();
    this.#pooledBytes = 0;
    super.dispose();
  }
}

function makeKernels(nn: NativeNn): Record<(typeof NATIVE_KERNELS)[number] | (typeof TYPESCRIPT_KERNELS)[number], tf.KernelFunc> {
  const k = nn.binding;

  function conv(args: KernelArgs, name: 'Conv2D' | 'FusedConv2D'): KernelResult {
    const backend = backendOf(args);
    const { x, filter, bias, preluActivationWeights } = args.inputs;
    const a = args.attrs ?? {};
    const activation = (a['activation'] as string | undefined) ?? 'linear';
    const xs = x === undefined ? null : as4(x.shape);
    const fs = filter === undefined ? null : as4(filter.shape);
    if (xs === null || fs === null || preluActivationWeights !== undefined) return fallback(name, args);
    if (activation !== 'linear' && activation !== 'relu') return fallback(name, args);
    const info = conv2dInfo(xs, fs, a, a['dilations'] as Pair);
    const shape = convShape(info);
    const xv = f32(backend, x);
    const fv = f32(backend, filter);
    const bv = biasOf(backend, bias, info.outChannels);
    if (shape === null || xv === null || fv === null || bv === null) return fallback(name, args);
    const y = backend.alloc(sizeOf(info.outShape));
    k.conv2d(xv, fv, bv ?? null, y, shape, activation);
    return out(backend, info.outShape, y);
  }

  function matmul(args: KernelArgs, name: 'BatchMatMul' | '_FusedMatMul'): KernelResult {
    const backend = backendOf(args);
    const { a, b, bias, preluActivationWeights } = args.inputs;
    const at = args.attrs ?? {};
    const transposeA = at['transposeA'] === true;
    const transposeB = at['transposeB'] === true;
    const activation = (at['activation'] as string | undefined) ?? 'linear';
    if (a === undefined || b === undefined || preluActivationWeights !== undefined) return fallback(name, args);
    if (activation !== 'linear' && activation !== 'relu') return fallback(name, args);
    const ra = a.shape.length;
    const rb = b.shape.length;
    if (ra < 2 || rb < 2) return fallback(name, args);
    const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
    const kA = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
    const kB = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
    const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
    if (kA !== kB || m < 1 || n < 1 || kA < 1) return fallback(name, args);
    const outerA = a.shape.slice(0, -2);
    const outerB = b.shape.slice(0, -2);
    let outer: number[];
    try {
      outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
    } catch {
      return fallback(name, args);
    }
    const batch = sizeOf(outer);
    const aBatch = sizeOf(outerA);
    const bBatch = sizeOf(outerB);
    if ((aBatch !== 1 && aBatch !== batch) || (bBatch !== 1 && bBatch !== batch) || batch < 1) return fallback(name, args);
    const av = f32(backend, a);
    const bv = f32(backend, b);
    const biasV = biasOf(backend, bias, n);
    if (av === null || bv === null || biasV === null) return fallback(name, args);
    const y = backend.alloc(batch * m * n);
    k.matmul(av, bv, y, batch, aBatch, bBatch, m, n, kA, transposeA, transposeB);
    if (biasV !== undefined) k.binary('add', y, biasV, y, 1, batch * m, n, false);
    if (activation === 'relu') k.unary('relu', y, y);
    return out(backend, [...outer, m, n], y);
  }

  function binary(args: KernelArgs, name: 'Add' | 'Sub' | 'Multiply' | 'RealDiv'): KernelResult {
    const backend = backendOf(args);
    const { a, b } = args.inputs;
    if (a === undefined || b === undefined) return fallback(name, args);
    const op = name === 'Add' ? 'add' : name === 'Sub' ? 'sub' : name === 'Multiply' ? 'mul' : 'div';
    let swap = false;
    let view = broadcastView(a.shape, b.shape);
    if (view === null) {
      view = broadcastView(b.shape, a.shape);
      swap = true;
    }
    if (view === null) return fallback(name, args);
    const [big, small] = swap ? [b, a] : [a, b];
    const n = sizeOf(big.shape);
    if (n < MIN_ELEMENTWISE) return fallback(name, args);
    const bigV = f32(backend, big);
    const smallV = f32(backend, small);
    if (bigV === null || smallV === null) return fallback(name, args);
    const y = backend.alloc(n);
    k.binary(op, bigV, smallV, y, view.outer, view.mid, view.inner, swap);
    return out(backend, [...big.shape], y);
  }

  function unary(args: KernelArgs, name: 'Relu' | 'Step' | 'Sqrt'): KernelResult {
    const backend = backendOf(args);
    const { x } = args.inputs;
    if (x === undefined) return fallback(name, args);
    if (name === 'Step' && ((args.attrs?.['alpha'] as number | undefined) ?? 0) !== 0) return fallback(name, args);
    const xv = f32(backend, x);
    if (xv === null || xv.length < MIN_ELEMENTWISE) return fallback(name, args);
    const y = backend.alloc(xv.length);
    k.unary(name === 'Relu' ? 'relu' : name === 'Step' ? 'step' : 'sqrt', xv, y);
    return out(backend, [...x.shape], y);
  }

  function reduce(args: KernelArgs, name: 'Sum' | 'Mean'): KernelResult {
    const backend = backendOf(args);
    const { x } = args.inputs;
    if (x === undefined) return fallback(name, args);
    const xv = f32(backend, x);
    if (xv === null || xv.length < MIN_ELEMENTWISE) return fallback(name, args);
    const shape = x.shape;
    const axes = tf.util.parseAxisParam(args.attrs?.['axis'] as number | number[], [...shape]);
    const sorted = [...new Set(axes)].sort((p, q) => p - q);
    if (sorted.length === 0) return fallback(name, args);
    const first = sorted[0]!;
    const last = sorted[sorted.length - 1]!;
    if (last - first + 1 !== sorted.length) return fallback(name, args);
    const outer = sizeOf(shape.slice(0, first));
    const red = sizeOf(shape.slice(first, last + 1));
    const inner = sizeOf(shape.slice(last + 1));
    if (outer < 1 || red < 1 || inner < 1) return fallback(name, args);
    const y = backend.alloc(outer * inner);
    const known = name === 'Sum' && outer === 1 && last === shape.length - 2 ? backend.channelSumsOf(xv) : undefined;
    if (known !== undefined && known.length === inner) y.set(known);
    else k.reduceSum(xv, outer, red, inner, name === 'Mean', y);
    const keepDims = args.attrs?.['keepDims'] === true;
    const outShape = keepDims ? shape.map((d, i) => (i >= first && i <= last ? 1 : d)) : shape.filter((_, i) => i < first || i > last);
    return out(backend, outShape, y);
  }

  return {
    Conv2D: (args) => conv(args, 'Conv2D'),
    FusedConv2D: (args) => conv(args, 'FusedConv2D'),
    Conv2DBackpropInput: (args) => {
      const backend = backendOf(args);
      const { dy, filter } = args.inputs;
      const a = args.attrs ?? {};
      const inputShape = as4((a['inputShape'] as number[] | undefined) ?? []);
      const fs = filter === undefined ? null : as4(filter.shape);
      if (inputShape === null || fs === null) return fallback('Conv2DBackpropInput', args);
      const info = conv2dInfo(inputShape, fs, a);
      const shape = convShape(info);
      const dyv = f32(backend, dy);
      const fv = f32(backend, filter);
      if (shape === null || dyv === null || fv === null || dyv.length !== sizeOf(info.outShape)) {
        return fallback('Conv2DBackpropInput', args);
      }
      const dx = backend.alloc(sizeOf(inputShape));
      k.conv2dBackpropInput(dyv, fv, dx, shape);
      return out(backend, inputShape, dx);
    },
    Conv2DBackpropFilter: (args) => {
      const backend = backendOf(args);
      const { x, dy } = args.inputs;
      const a = args.attrs ?? {};
      const filterShape = as4((a['filterShape'] as number[] | undefined) ?? []);
      const xs = x === undefined ? null : as4(x.shape);
      if (xs === null || filterShape === null) return fallback('Conv2DBackpropFilter', args);
      const info = conv2dInfo(xs, filterShape, a);
      const shape = convShape(info);
      const xv = f32(backend, x);
      const dyv = f32(backend, dy);
      if (shape === null || xv === null || dyv === null || dyv.length !== sizeOf(info.outShape)) {
        return fallback('Conv2DBackpropFilter', args);
      }
      const dw = backend.alloc(sizeOf(filterShape));
      k.conv2dBackpropFilter(xv, dyv, dw, shape);
      return out(backend, filterShape, dw);
    },
    BatchMatMul: (args) => matmul(args, 'BatchMatMul'),
    _FusedMatMul: (args) => matmul(args, '_FusedMatMul'),
    MaxPool: (args) => {
      const backend = backendOf(args);
      const { x } = args.inputs;
      const a = args.attrs ?? {};
      const xs = x === undefined ? null : as4(x.shape);
      if (xs === null) return fallback('MaxPool', args);
      const info = tf.backend_util.computePool2DInfo(xs, a['filterSize'] as Pair, a['strides'] as Pair, 1, a['pad'] as Pad, a['dimRoundingMode'] as Rounding);
      const shape = poolShape(info);
      const xv = f32(backend, x);
      if (shape === null || xv === null) return fallback('MaxPool', args);
      const y = backend.alloc(sizeOf(info.outShape));
      k.maxPool(xv, y, shape);
      return out(backend, info.outShape, y);
    },
    MaxPoolGrad: (args) => {
      const backend = backendOf(args);
      const { dy, input } = args.inputs;
      const a = args.attrs ?? {};
      const xs = input === undefined ? null : as4(input.shape);
      if (xs === null) return fallback('MaxPoolGrad', args);
      const info = tf.backend_util.computePool2DInfo(xs, a['filterSize'] as Pair, a['strides'] as Pair, 1, a['pad'] as Pad, a['dimRoundingMode'] as Rounding);
      const shape = poolShape(info);
      const xv = f32(backend, input);
      const dyv = f32(backend, dy);
      if (shape === null || xv === null || dyv === null || dyv.length !== sizeOf(info.outShape)) return fallback('MaxPoolGrad', args);
      const dx = backend.alloc(xv.length);
      k.maxPoolGrad(xv, dyv, dx, shape);
      return out(backend, xs, dx);
    },
    Relu: (args) => unary(args, 'Relu'),
    Step: (args) => unary(args, 'Step'),
    // Adam's update takes the square root of every weight's second moment, every step.
    Sqrt: (args) => unary(args, 'Sqrt'),
    Add: (args) => binary(args, 'Add'),
    Sub: (args) => binary(args, 'Sub'),
    Multiply: (args) => binary(args, 'Multiply'),
    RealDiv: (args) => binary(args, 'RealDiv'),
    Sum: (args) => reduce(args, 'Sum'),
    Mean: (args) => reduce(args, 'Mean'),
    Tile: (args) => {
      const backend = backendOf(args);
      const { x } = args.inputs;
      const xv = f32(backend, x);
      const reps = args.attrs?.['reps'] as number[] | undefined;
      const y = xv === null || x === undefined || reps === undefined ? null : tileF32(xv, x.shape, reps);
      return y === null ? fallback('Tile', args) : out(backend, x!.shape.map((d, i) => d * reps![i]!), y);
    },
    FusedBatchNorm: (args) => {
      const backend = backendOf(args);
      const { x, mean, variance, offset, scale } = args.inputs;
      const xv = f32(backend, x);
      const mv = f32(backend, mean);
      const vv = f32(backend, variance);
      const ov = offset === undefined ? undefined : f32(backend, offset);
      const sv = scale === undefined ? undefined : f32(backend, scale);
      const channels = x?.shape[x.shape.length - 1] ?? 0;
      const eps = (args.attrs?.['varianceEpsilon'] as number | undefined) ?? 0.001;
      if (xv === null || mv === null || vv === null || ov === null || sv === null || xv.length < MIN_ELEMENTWISE || xv.length % channels !== 0) {
        return fallback('FusedBatchNorm', args);
      }
      const coef = batchNormCoefficients(channels, mv, vv, ov, sv, eps);
      if (coef === null) return fallback('FusedBatchNorm', args);
      const scaled = backend.alloc(xv.length);
      k.binary('mul', xv, coef.mul, scaled, 1, xv.length / channels, channels, false);
      const y = backend.alloc(xv.length);
      k.binary('add', scaled, coef.add, y, 1, xv.length / channels, channels, false);
      backend.release(scaled);
      return out(backend, [...x!.shape], y);
    },
    Square: (args) => {
      const backend = backendOf(args);
      const { x } = args.inputs;
      const xv = f32(backend, x);
      if (xv === null || xv.length < MIN_ELEMENTWISE) return fallback('Square', args);
      const y = backend.alloc(xv.length);
      k.binary('mul', xv, xv, y, 1, 1, xv.length, false);
      return out(backend, [...x!.shape], y);
    },
  };
}

let registered: boolean | undefined;
let loadError: unknown;

/**
 * Registers the 'ser-native' backend (once): a MathBackendCPU with all of the cpu backend's kernels, the hot ones
 * replaced by @ser/native's. Returns false (and registers nothing) when the addon cannot load; nativeBackendError()
 * then says why. It does not switch to it: call `await tf.setBackend('ser-native')` (initTf() does).
 */
export function registerNativeBackend(nn?: NativeNn): boolean {
  if (registered !== undefined) return registered;
  let kernels: NativeNn;
  try {
    kernels = nn ?? loadNativeNn();
  } catch (e) {
    loadError = e;
    registered = false;
    return false;
  }
  for (const config of tf.getKernelsForBackend('cpu')) cpuKernels.set(config.kernelName, config);
  const native = makeKernels(kernels);
  tf.registerBackend(NATIVE_BACKEND, () => new NativeBackend(), 0);
  for (const config of cpuKernels.values()) {
    let kernelFunc = (native as Record<string, tf.KernelFunc | undefined>)[config.kernelName];
    if (config.kernelName === 'Complex') {
      // Complex stores its inputs' arrays in new tensors: they must never be recycled.
      kernelFunc = (args) => {
        const backend = backendOf(args);
        for (const t of Object.values(args.inputs)) if (t !== undefined && backend.data.has(t.dataId)) backend.escape(backend.data.get(t.dataId)!.values);
        return config.kernelFunc(args);
      };
    }
    tf.registerKernel({ ...config, backendName: NATIVE_BACKEND, ...(kernelFunc ? { kernelFunc } : {}) });
  }
  registerReluGradient(kernels);
  registered = true;
  return true;
}

/** ser-native's kernel for ReLU's gradient: dy * step(x) in one pass (inputs dy and x, float32, same size). */
export const RELU_GRAD_KERNEL = 'SerReluGrad';

/**
 * tfjs runs a conv2d layer's ReLU unfused while it records gradients, and differentiates it as Step then Multiply:
 * five passes over the activation where one fused pass reads dy and x and writes dx (CNN training is memory-bound
 * there), summing dx per channel on the way for the bias gradient's Sum. The gradient is registered for every
 * backend; on the others, and outside what the native kernel covers, it is tfjs's own formula.
 */
function registerReluGradient(nn: NativeNn): void {
  tf.registerKernel({
    kernelName: RELU_GRAD_KERNEL,
    backendName: NATIVE_BACKEND,
    kernelFunc: (args) => {
      const backend = backendOf(args);
      const { dy, x } = args.inputs;
      const dyv = f32(backend, dy);
      const xv = f32(backend, x);
      if (dyv === null || xv === null || dyv.length !== xv.length) throw new Error(`${RELU_GRAD_KERNEL}: dy and x must be float32 tensors of one size`);
      const dx = backend.alloc(dyv.length);
      // The bias gradient that follows (Sum over all but the channel axis) is computed here, while dx is in cache.
      const channels = dy!.shape.length >= 2 ? dy!.shape[dy!.shape.length - 1]! : 0;
      const sums = channels > 0 && dyv.length >= RECYCLE_MIN ? new Float32Array(channels) : null;
      nn.binding.reluGrad(dyv, xv, dx, sums);
      if (sums) backend.rememberChannelSums(dx, sums);
      return out(backend, [...dy!.shape], dx);
    },
  });
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      const grad = dy as tf.Tensor;
      const fused = tf.getBackend() === NATIVE_BACKEND && x.dtype === 'float32' && grad.dtype === 'float32' && x.size === grad.size && x.size >= MIN_ELEMENTWISE;
      return { x: () => (fused ? (tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: grad, x }) as tf.Tensor) : tf.mul(grad, tf.cast(tf.step(x), 'float32'))) };
    },
  });
}

/** Why registerNativeBackend() returned false (the addon's load error), or undefined. */
export function nativeBackendError(): unknown {
  return loadError;
}
