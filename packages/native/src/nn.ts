/**
 * Typed wrapper of the addon's NN kernels (cpp/nn_*.cpp): our blocked, multi-threaded SGEMM and the NHWC
 * convolution, pooling, element-wise and reduction kernels that @ser/training registers as the 'ser-native'
 * TensorFlow.js backend. Every method allocates its output and returns it; the C++ binding validates every argument
 * (TypeError for a wrong type, RangeError for a length that does not match the shape or a value out of range).
 */
import { loadBinding } from './loader.js';

/** A 2-D convolution, NHWC input [batch, inHeight, inWidth, inChannels], HWIO filter, NHWC output (tfjs convInfo). */
export interface ConvShape {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  /** Zero rows above the input (tfjs padInfo.top); the bottom padding follows from outHeight. */
  padTop: number;
  padLeft: number;
}

/** A max pooling, NHWC; window cells outside the input are ignored. */
export interface PoolShape {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

export type NnActivation = 'linear' | 'relu';
export type NnBinaryOp = 'add' | 'sub' | 'mul' | 'div';
export type NnUnaryOp = 'relu' | 'step' | 'sqrt';

/** The addon's `nn` object (cpp/nn_binding.cpp); outputs are written into the caller's arrays. */
export interface NnBinding {
  conv2d(x: Float32Array, filter: Float32Array, bias: Float32Array | null, out: Float32Array, shape: ConvShape, activation: NnActivation): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, shape: ConvShape): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, shape: ConvShape): void;
  matmul(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    batch: number,
    aBatch: number,
    bBatch: number,
    m: number,
    n: number,
    k: number,
    transposeA: boolean,
    transposeB: boolean,
  ): void;
  maxPool(x: Float32Array, out: Float32Array, shape: PoolShape): void;
  maxPoolGrad(x: Float32Array, dy: Float32Array, dx: Float32Array, shape: PoolShape): void;
  /** a is [outer, mid, inner], b [outer, 1, inner]; out = a op b (b op a when swap); out may be a itself. */
  binary(op: NnBinaryOp, a: Float32Array, b: Float32Array, out: Float32Array, outer: number, mid: number, inner: number, swap: boolean): void;
  unary(op: NnUnaryOp, x: Float32Array, out: Float32Array): void;
  /** out = dy * step(y); channelSums (C floats, C dividing the length) also gets out's sums per channel (last axis). */
  reluGrad(dy: Float32Array, y: Float32Array, out: Float32Array, channelSums?: Float32Array | null): void;
  reduceSum(x: Float32Array, outer: number, reduce: number, inner: number, mean: boolean, out: Float32Array): void;
  /** Threads the kernels use (the machine's hardware concurrency). */
  readonly threads: number;
}

function size(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`@ser/native nn: ${what} must be a non-negative integer (got ${String(n)})`);
  return n;
}

/** The NN kernels; get it with loadNativeNn(). */
export class NativeNn {
  readonly #nn: NnBinding;
  /** The ser_native.node file in use. */
  readonly path: string;

  constructor(binding: NnBinding, path: string) {
    this.#nn = binding;
    this.path = path;
  }

  /** Threads the kernels use. */
  get threads(): number {
    return this.#nn.threads;
  }

  /** The raw binding (writes into caller-supplied outputs). */
  get binding(): NnBinding {
    return this.#nn;
  }

  /** y = activation(conv2d(x, filter) + bias), NHWC [batch, outHeight, outWidth, outChannels]. */
  conv2d(x: Float32Array, filter: Float32Array, shape: ConvShape, bias: Float32Array | null = null, activation: NnActivation = 'linear'): Float32Array {
    const out = new Float32Array(size(shape.batchSize * shape.outHeight * shape.outWidth * shape.outChannels, 'output size'));
    this.#nn.conv2d(x, filter, bias, out, shape, activation);
    return out;
  }

  /** The gradient of conv2d with respect to its input, [batch, inHeight, inWidth, inChannels]. */
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, shape: ConvShape): Float32Array {
    const dx = new Float32Array(size(shape.batchSize * shape.inHeight * shape.inWidth * shape.inChannels, 'input size'));
    this.#nn.conv2dBackpropInput(dy, filter, dx, shape);
    return dx;
  }

  /** The gradient of conv2d with respect to its filter, [filterHeight, filterWidth, inChannels, outChannels]. */
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, shape: ConvShape): Float32Array {
    const dw = new Float32Array(size(shape.filterHeight * shape.filterWidth * shape.inChannels * shape.outChannels, 'filter size'));
    this.#nn.conv2dBackpropFilter(x, dy, dw, shape);
    return dw;
  }

  /**
   * Batched matrix product out[b] = op(a[b]) * op(b[b]) ([batch, m, n]); a holds aBatch matrices of m x k (k x m when
   * transposeA), b holds bBatch of k x n (n x k when transposeB); aBatch and bBatch are 1 (broadcast) or batch.
   */
  matmul(
    a: Float32Array,
    b: Float32Array,
    dims: { batch?: number; aBatch?: number; bBatch?: number; m: number; n: number; k: number },
    transposeA = false,
    transposeB = false,
  ): Float32Array {
    const batch = dims.batch ?? 1;
    const out = new Float32Array(size(batch * dims.m * dims.n, 'output size'));
    this.#nn.matmul(a, b, out, batch, dims.aBatch ?? batch, dims.bBatch ?? batch, dims.m, dims.n, dims.k, transposeA, transposeB);
    return out;
  }

  maxPool(x: Float32Array, shape: PoolShape): Float32Array {
    const out = new Float32Array(size(shape.batchSize * shape.outHeight * shape.outWidth * shape.inChannels, 'output size'));
    this.#nn.maxPool(x, out, shape);
    return out;
  }

  /** MaxPool's gradient: dy routed to each window's first maximum of x. */
  maxPoolGrad(x: Float32Array, dy: Float32Array, shape: PoolShape): Float32Array {
    const dx = new Float32Array(size(x.length, 'input size'));
    this.#nn.maxPoolGrad(x, dy, dx, shape);
    return dx;
  }

  /**
   * out[i] = a[i] op b[i % b.length]: same shape, or b broadcast over a's leading axes (b's length must divide a's).
   * With `dims`, a is [outer, mid, inner] and b [outer, 1, inner]; `swap` computes b op a.
   */
  binary(op: NnBinaryOp, a: Float32Array, b: Float32Array, dims?: { outer: number; mid: number; inner: number }, swap = false): Float32Array {
    const out = new Float32Array(a.length);
    const d = dims ?? { outer: 1, mid: b.length > 0 ? Math.floor(a.length / b.length) : 0, inner: b.length };
    this.#nn.binary(op, a, b, out, d.outer, d.mid, d.inner, swap);
    return out;
  }

  unary(op: NnUnaryOp, x: Float32Array): Float32Array {
    const out = new Float32Array(x.length);
    this.#nn.unary(op, x, out);
    return out;
  }

  /** dy * (y > 0). */
  reluGrad(dy: Float32Array, y: Float32Array): Float32Array {
    const out = new Float32Array(dy.length);
    this.#nn.reluGrad(dy, y, out);
    return out;
  }

  /** x viewed as [outer, reduce, inner] summed (or averaged) over the middle axis: [outer, inner]. */
  reduceSum(x: Float32Array, outer: number, reduce: number, inner: number, mean = false): Float32Array {
    const out = new Float32Array(size(outer * inner, 'output size'));
    this.#nn.reduceSum(x, outer, reduce, inner, mean, out);
    return out;
  }
}

function isNnBinding(v: unknown): v is NnBinding {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return ['conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'matmul', 'maxPool', 'maxPoolGrad', 'binary', 'unary', 'reluGrad', 'reduceSum'].every(
    (k) => typeof o[k] === 'function',
  );
}

let nn: NativeNn | undefined;

/**
 * The NN kernels of the addon (loaded once). Throws NativeLoadError when the addon cannot load, and an Error when it
 * is a stale build without the kernels.
 */
export function loadNativeNn(): NativeNn {
  const { binding, path } = loadBinding();
  if (nn !== undefined && nn.path === path) return nn;
  const raw = (binding as unknown as { nn?: unknown }).nn;
  if (!isNnBinding(raw)) {
    throw new Error(`@ser/native: ${path} has no NN kernels (a stale build); rebuild it with \`npm run build -w @ser/native\``);
  }
  nn = new NativeNn(raw, path);
  return nn;
}
