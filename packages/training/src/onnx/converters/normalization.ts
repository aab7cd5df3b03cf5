/**
 * BatchNormalization at inference: y = (x - mean) / sqrt(var + epsilon) * gamma + beta, folded into one Mul and
 * one Add with per-channel constants shaped to broadcast along the last axis. Folding keeps the channels-last graph
 * free of the transposes ONNX's channels-first BatchNormalization op would need.
 */
import type { LayerContext, LayerConverter } from './context.js';

export const convertBatchNormalization: LayerConverter = (layer) => {
  const g = layer.graph;
  const axisConfig = layer.config['axis'];
  const axes = Array.isArray(axisConfig) ? (axisConfig as number[]) : [layer.number('axis', -1)];
  if (axes.length !== 1) layer.fail(`normalisation over several axes (${axes.join(', ')}) is not exported`);
  const axis = layer.axis(axes[0]!);
  if (axis === 0) layer.fail('normalisation over the batch axis is not exported');
  // The layer's own epsilon: tfjs defaults to 1e-3 where PyTorch and ONNX default to 1e-5.
  const epsilon = layer.number('epsilon', 1e-3);
  const mean = layer.requireWeight('moving_mean').values;
  const variance = layer.requireWeight('moving_variance').values;
  const gamma = layer.boolean('scale', true) ? layer.weight('gamma')?.values : undefined;
  const beta = layer.boolean('center', true) ? layer.weight('beta')?.values : undefined;
  const channels = mean.length;
  const scale = new Float32Array(channels);
  const shift = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    scale[c] = (gamma?.[c] ?? 1) / Math.sqrt(variance[c]! + epsilon);
    shift[c] = (beta?.[c] ?? 0) - mean[c]! * scale[c]!;
  }
  const lastAxis = axis === layer.inputRank - 1;
  const [scaleValues, shiftValues, shape] = lastAxis
    ? [scale, shift, layer.inputShape.map((_, i) => (i === axis ? channels : 1))]
    : cycledOverSample(layer, scale, shift);
  const scaleConstant = layer.constant('scale', { values: scaleValues, shape });
  const shiftConstant = layer.constant('shift', { values: shiftValues, shape });
  const scaled = g.node('Mul', [layer.input, scaleConstant], {}, layer.hint('scale'));
  return g.node('Add', [scaled, shiftConstant], {}, layer.hint('shift'));
};

/**
 * tfjs 4.22's batchNorm kernels (cpu and wasm) do not broadcast the parameters along `axis`: they walk the
 * parameter arrays cyclically over the flattened input, so for an axis other than the last a tfjs model computes
 * y[j] = x[j] * scale[j mod C] + shift[j mod C] in training and inference alike. The export reproduces what the
 * model computes (and was evaluated with) as full per-sample constants; new models should normalise axis -1.
 */
function cycledOverSample(
  layer: LayerContext,
  scale: Float32Array,
  shift: Float32Array,
): [Float32Array, Float32Array, number[]] {
  const sampleShape = layer.inputShape.slice(1);
  if (sampleShape.some((size) => size === null)) {
    layer.fail('normalising an axis other than the last needs a fixed input shape; pass inputShape or use axis -1');
  }
  const size = (sampleShape as number[]).reduce((a, b) => a * b, 1);
  const channels = scale.length;
  const cycledScale = Float32Array.from({ length: size }, (_, j) => scale[j % channels]!);
  const cycledShift = Float32Array.from({ length: size }, (_, j) => shift[j % channels]!);
  return [cycledScale, cycledShift, [1, ...(sampleShape as number[])]];
}
