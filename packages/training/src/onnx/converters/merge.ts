/** Merge layers: Add, Multiply, Average, Maximum, Minimum, Concatenate and Dot. */
import { int } from '../graph.js';
import type { LayerContext, LayerConverter } from './context.js';

/**
 * tfjs merges inputs of unequal rank by inserting axes after the batch axis, where ONNX broadcasting prepends
 * them; rather than emulate that, the export asks for equal ranks (broadcasting of size-1 axes is the same).
 */
function requireEqualRanks(layer: LayerContext): void {
  const ranks = new Set(layer.inputShapes.map((shape) => shape.length));
  if (ranks.size > 1) layer.fail(`inputs have ranks ${[...ranks].join(' and ')}; reshape them to one rank first`);
}

/** A chain of binary ops (ONNX Add and Mul take two inputs), or one variadic node. */
function elementwise(opType: string, variadic: boolean): LayerConverter {
  return (layer) => {
    requireEqualRanks(layer);
    const g = layer.graph;
    if (variadic) return g.node(opType, layer.inputs, {}, layer.hint(opType.toLowerCase()));
    const hint = layer.hint(opType.toLowerCase());
    return layer.inputs.slice(1).reduce((acc, next) => g.node(opType, [acc, next], {}, hint), layer.inputs[0]!);
  };
}

export const convertAdd = elementwise('Add', false);
export const convertMultiply = elementwise('Mul', false);
export const convertAverage = elementwise('Mean', true);
export const convertMaximum = elementwise('Max', true);
export const convertMinimum = elementwise('Min', true);

export const convertConcatenate: LayerConverter = (layer) => {
  requireEqualRanks(layer);
  const axis = layer.axis(layer.number('axis', -1));
  return layer.graph.node('Concat', layer.inputs, { axis: int(axis) }, layer.hint('concat'));
};

/**
 * Dot of two rank-3 inputs is a batched MatMul once the contracted axis of the first input is last and that of
 * the second is second: [N, P, K] x [N, K, Q] -> [N, P, Q], which is tfjs's batchDot. Two rank-2 inputs give
 * [N, 1], the row-wise inner product. This is the weighted sum of attention pooling: Dot(axes 1) of the
 * [N, T, 1] softmax weights and the [N, T, F] frames gives [N, 1, F].
 */
export const convertDot: LayerConverter = (layer) => {
  if (layer.inputs.length !== 2) layer.fail('Dot needs exactly two inputs');
  if (layer.boolean('normalize', false)) layer.fail('Dot with normalize: true is not exported; L2-normalise before it');
  const g = layer.graph;
  const rank = layer.inputShapes[0]!.length;
  if (rank !== layer.inputShapes[1]!.length || (rank !== 2 && rank !== 3)) {
    layer.fail('Dot is exported for two rank-2 or two rank-3 inputs only');
  }
  const axesConfig = layer.config['axes'];
  const axes = Array.isArray(axesConfig) ? (axesConfig as number[]) : [Number(axesConfig), Number(axesConfig)];
  const [axisA, axisB] = axes.map((axis) => layer.axis(axis, rank)) as [number, number];
  const [a, b] = layer.inputs as [string, string];
  if (rank === 2) {
    if (axisA !== 1 || axisB !== 1) layer.fail('Dot of rank-2 inputs must contract axis 1, not the batch axis');
    const product = g.node('Mul', [a, b], {}, layer.hint('mul'));
    // ReduceSum takes its axes as an input from opset 13 on.
    const axesInput = g.int64Initializer(layer.hint('axes'), [1]);
    return g.node('ReduceSum', [product, axesInput], { keepdims: int(1) }, layer.hint('sum'));
  }
  const left = axisA === 2 ? a : g.transpose(a, [0, 2, 1], layer.hint('transpose_a'));
  const right = axisB === 1 ? b : g.transpose(b, [0, 2, 1], layer.hint('transpose_b'));
  return g.node('MatMul', [left, right], {}, layer.hint('matmul'));
};
