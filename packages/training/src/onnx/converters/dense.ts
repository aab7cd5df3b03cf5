/** Dense: MatMul + Add, which (unlike Gemm) also covers tfjs's Dense on rank-3 input such as [N, T, F]. */
import { layerActivation } from './activations.js';
import type { LayerContext, LayerConverter } from './context.js';

export const convertDense: LayerConverter = (layer) => {
  const kernel = layer.constant('kernel', layer.requireWeight('kernel'));
  const product = layer.graph.node('MatMul', [layer.input, kernel], {}, layer.hint('matmul'));
  return layerActivation(layer, addBias(layer, product));
};

/** Adds the layer's bias (if it uses one) along the last axis. */
export function addBias(layer: LayerContext, input: string): string {
  const bias = layer.bias();
  if (!bias) return input;
  return layer.graph.node('Add', [input, layer.constant('bias', bias)], {}, layer.hint('bias_add'));
}
