/**
 * tfjs keeps activations channels-last (NWC, NHWC) while ONNX Conv and pooling are channels-first (NCW, NCHW).
 * The exported graph stays channels-last, like the tfjs model, so every other layer (Flatten, Reshape, Dense,
 * Concatenate on the last axis, ...) converts one to one; only conv and pooling nodes are wrapped in a pair of
 * Transposes. onnxruntime's transpose optimizer removes the pairs between consecutive blocks: the 64x64 CNN of
 * the tests exports 12 Transposes and runs with 2 (at the input and before Flatten) from the "basic" level on.
 */

/** [0, r-1, 1, ..., r-2]: NHWC -> NCHW for any rank r >= 3. */
export function toChannelsFirst(rank: number): number[] {
  return [0, rank - 1, ...range(1, rank - 1)];
}

/** [0, 2, ..., r-1, 1]: NCHW -> NHWC, the inverse of `toChannelsFirst`. */
export function toChannelsLast(rank: number): number[] {
  return [0, ...range(2, rank), 1];
}

/** Reorders the axes of a dense row-major array, as numpy's `transpose(perm)` would. */
export function permute(values: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const rank = shape.length;
  const outShape = perm.map((axis) => shape[axis]!);
  const inStrides = stridesOf(shape);
  // Stride in the input of a unit step along each output axis.
  const stepInInput = perm.map((axis) => inStrides[axis]!);
  const out = new Float32Array(values.length);
  const index = new Array<number>(rank).fill(0);
  let source = 0;
  for (let target = 0; target < out.length; target++) {
    out[target] = values[source]!;
    // Odometer increment over the output index, keeping `source` in step.
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis]!++;
      source += stepInInput[axis]!;
      if (index[axis]! < outShape[axis]!) break;
      source -= stepInInput[axis]! * outShape[axis]!;
      index[axis] = 0;
    }
  }
  return out;
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let axis = shape.length - 2; axis >= 0; axis--) strides[axis] = strides[axis + 1]! * shape[axis + 1]!;
  return strides;
}

export function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
}
