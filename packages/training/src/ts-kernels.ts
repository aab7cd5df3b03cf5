/**
 * Plain TypeScript kernels for ops whose tfjs-backend-cpu versions walk every element through generic index
 * arithmetic: Tile (broadcasting the BatchNormalization gradient), FusedBatchNorm and Square. In a BatchNorm CNN they
 * took most of a training step on the 'ser-native' backend. Tile copies whole blocks; batch norm is folded into one
 * multiply and one add per channel, which the native element-wise kernels then run (Square likewise). Each returns
 * null where it does not apply, and the caller falls back to the cpu kernel.
 */

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** `x` (shape `shape`) repeated `reps[a]` times along each axis `a`, as tf.tile. */
export function tileF32(x: Float32Array, shape: readonly number[], reps: readonly number[]): Float32Array | null {
  if (reps.length !== shape.length || reps.some((r) => !Number.isInteger(r) || r < 0)) return null;
  let cur = x;
  const curShape = [...shape];
  // From the last axis out: at axis a the data is `outer` blocks of `block` values, each repeated reps[a] times.
  for (let a = shape.length - 1; a >= 0; a--) {
    const r = reps[a]!;
    if (r === 1) continue;
    const outer = sizeOf(curShape.slice(0, a));
    const block = sizeOf(curShape.slice(a));
    const next = new Float32Array(outer * block * r);
    for (let o = 0; o < outer; o++) {
      const src = cur.subarray(o * block, (o + 1) * block);
      const base = o * block * r;
      if (block === 1) next.fill(src[0]!, base, base + r);
      else for (let k = 0; k < r; k++) next.set(src, base + k * block);
    }
    cur = next;
    curShape[a] = curShape[a]! * r;
  }
  return cur === x ? Float32Array.from(x) : cur;
}

/**
 * tf.batchNorm over the last axis, `(x - mean) * scale / sqrt(variance + eps) + offset`, folded into one multiply
 * and one add per channel: `x * mul[c] + add[c]`. Mean, variance and the optional offset and scale hold one value per
 * channel (or one for all); null when they do not.
 */
export function batchNormCoefficients(
  channels: number,
  mean: Float32Array,
  variance: Float32Array,
  offset: Float32Array | undefined,
  scale: Float32Array | undefined,
  epsilon: number,
): { mul: Float32Array; add: Float32Array } | null {
  const fits = (p: Float32Array | undefined) => p === undefined || p.length === channels || p.length === 1;
  if (channels < 1 || !fits(mean) || !fits(variance) || !fits(offset) || !fits(scale)) return null;
  const at = (p: Float32Array | undefined, c: number, none: number) => (p === undefined ? none : p.length === 1 ? p[0]! : p[c]!);
  const mul = new Float32Array(channels);
  const add = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const s = at(scale, c, 1) / Math.sqrt(at(variance, c, 0) + epsilon);
    mul[c] = s;
    add[c] = at(offset, c, 0) - at(mean, c, 0) * s;
  }
  return { mul, add };
}
