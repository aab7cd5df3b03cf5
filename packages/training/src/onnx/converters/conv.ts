/**
 * Conv1D, Conv2D, DepthwiseConv2D and SeparableConv2D. Activations stay channels-last; each conv is wrapped in
 * Transposes to ONNX's channels-first layout (see ../layout.ts), and kernels are reordered at export time:
 * tfjs HWIO (or WIO) -> ONNX OIHW (OIW).
 */
import { int, ints } from '../graph.js';
import { permute, toChannelsFirst, toChannelsLast } from '../layout.js';
import { layerActivation } from './activations.js';
import type { LayerContext, LayerConverter, Weight } from './context.js';
import { addBias } from './dense.js';
import { paddingAttributes } from './padding.js';

export const convertConv: LayerConverter = (layer) => {
  const spatialRank = layer.inputRank - 2;
  const kernel = layer.requireWeight('kernel');
  // [k..., in, out] -> [out, in, k...]
  const perm = [spatialRank + 1, spatialRank, ...Array.from({ length: spatialRank }, (_, i) => i)];
  const weights = reorder(kernel, perm);
  return layerActivation(layer, channelsFirstConv(layer, weights, 1, layer.bias()));
};

export const convertDepthwiseConv2D: LayerConverter = (layer) =>
  layerActivation(layer, depthwise(layer, layer.requireWeight('depthwise_kernel'), layer.bias()));

export const convertSeparableConv2D: LayerConverter = (layer) => {
  const spatialRank = layer.inputRank - 2;
  const depthwiseOut = depthwise(layer, layer.requireWeight('depthwise_kernel'), undefined);
  // The pointwise step is a 1x1 conv; as a MatMul on the channels-last tensor it needs no transposes.
  const pointwise = layer.requireWeight('pointwise_kernel');
  const matrixShape = pointwise.shape.slice(spatialRank); // [1, 1, in, out] -> [in, out]
  const matrix = layer.constant('pointwise_kernel', { values: pointwise.values, shape: matrixShape });
  const mixed = layer.graph.node('MatMul', [depthwiseOut, matrix], {}, layer.hint('pointwise'));
  return layerActivation(layer, addBias(layer, mixed));
};

/**
 * tfjs depthwise kernel [kh, kw, in, multiplier] -> ONNX grouped conv (group = in) with weights
 * [in * multiplier, 1, kh, kw]; tfjs orders output channels as c * multiplier + m, the same as ONNX's groups.
 */
function depthwise(layer: LayerContext, kernel: Weight, bias: Weight | undefined): string {
  if (layer.inputRank !== 4) layer.fail('depthwise convolution is exported for 2-D (rank-4) input only');
  const [kh, kw, inChannels, multiplier] = kernel.shape as [number, number, number, number];
  const outChannels = inChannels * multiplier;
  const reordered = reorder({ values: kernel.values, shape: [kh, kw, outChannels] }, [2, 0, 1]);
  return channelsFirstConv(layer, { values: reordered.values, shape: [outChannels, 1, kh, kw] }, inChannels, bias);
}

function reorder(weight: Weight, perm: readonly number[]): Weight {
  return { values: permute(weight.values, weight.shape, perm), shape: perm.map((axis) => weight.shape[axis]!) };
}

/** Transpose to channels-first, Conv with ONNX-ordered `weights`, transpose back. */
function channelsFirstConv(layer: LayerContext, weights: Weight, group: number, bias: Weight | undefined): string {
  layer.requireChannelsLast();
  const g = layer.graph;
  const rank = layer.inputRank;
  const spatialRank = rank - 2;
  const kernelShape = weights.shape.slice(2);
  const strides = layer.numbers('strides', spatialRank, new Array<number>(spatialRank).fill(1));
  const dilations = layer.numbers('dilationRate', spatialRank, new Array<number>(spatialRank).fill(1));
  const inputs = [
    g.transpose(layer.input, toChannelsFirst(rank), layer.hint('to_channels_first')),
    layer.constant('kernel', weights),
  ];
  if (bias) inputs.push(layer.constant('bias', bias));
  const conv = g.node(
    'Conv',
    inputs,
    {
      kernel_shape: ints(kernelShape),
      strides: ints(strides),
      dilations: ints(dilations),
      group: int(group),
      ...paddingAttributes(layer, layer.inputShape, kernelShape, strides, dilations),
    },
    layer.hint('conv'),
  );
  return g.transpose(conv, toChannelsLast(rank), layer.hint('to_channels_last'));
}
