/** Explicit ONNX pads for tfjs's padding modes, for conv and pooling alike. */
import { ints, type Attribute } from '../graph.js';
import type { LayerContext } from './context.js';

/**
 * ONNX `pads` ([begin per spatial axis..., end per spatial axis...]) reproducing tfjs `padding` on channels-last
 * input of `inputShape`. "same" pads `(out - 1) * stride + effective kernel - in` in total with the odd element at
 * the end, as TensorFlow does. When a spatial size is unknown at export time the pads cannot be computed, and
 * ONNX's SAME_UPPER (which also puts the extra element at the end) is used instead. Conv1D's "causal" padding is
 * not handled: tfjs 4.22 cannot run it either.
 */
export function paddingAttributes(
  layer: LayerContext,
  inputShape: readonly (number | null)[],
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
): Record<string, Attribute> {
  const padding = layer.string('padding', 'valid');
  const spatial = inputShape.slice(1, -1);
  const effectiveKernel = kernel.map((k, i) => (k - 1) * dilations[i]! + 1);
  switch (padding) {
    case 'valid':
      return {};
    case 'same': {
      if (spatial.some((size) => size === null)) return { auto_pad: { string: 'SAME_UPPER' } };
      const begin: number[] = [];
      const end: number[] = [];
      spatial.forEach((size, i) => {
        const inSize = size!;
        const outSize = Math.ceil(inSize / strides[i]!);
        const total = Math.max((outSize - 1) * strides[i]! + effectiveKernel[i]! - inSize, 0);
        begin.push(Math.floor(total / 2));
        end.push(total - Math.floor(total / 2));
      });
      return { pads: ints([...begin, ...end]) };
    }
    default:
      return layer.fail(`padding "${padding}" is not exported; use "valid" or "same", or ZeroPadding before the layer`);
  }
}
