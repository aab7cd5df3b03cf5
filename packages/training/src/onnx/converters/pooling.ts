/** Local pooling (through channels-first, like conv) and global pooling (a reduction over the spatial axes). */
import { int, ints } from '../graph.js';
import { range, toChannelsFirst, toChannelsLast } from '../layout.js';
import type { LayerContext, LayerConverter } from './context.js';
import { paddingAttributes } from './padding.js';

function localPool(opType: 'MaxPool' | 'AveragePool'): LayerConverter {
  return (layer: LayerContext) => {
    layer.requireChannelsLast();
    const g = layer.graph;
    const rank = layer.inputRank;
    const spatialRank = rank - 2;
    const kernel = layer.numbers('poolSize', spatialRank);
    const strides = layer.numbers('strides', spatialRank, kernel);
    const attributes = {
      kernel_shape: ints(kernel),
      strides: ints(strides),
      // TF's average pooling divides by the number of real (unpadded) elements: count_include_pad = 0.
      ...(opType === 'AveragePool' ? { count_include_pad: int(0) } : {}),
      ...paddingAttributes(layer, layer.inputShape, kernel, strides, new Array<number>(spatialRank).fill(1)),
    };
    const x = g.transpose(layer.input, toChannelsFirst(rank), layer.hint('to_channels_first'));
    const pooled = g.node(opType, [x], attributes, layer.hint(opType === 'MaxPool' ? 'max_pool' : 'avg_pool'));
    return g.transpose(pooled, toChannelsLast(rank), layer.hint('to_channels_last'));
  };
}

function globalPool(opType: 'ReduceMean' | 'ReduceMax'): LayerConverter {
  return (layer: LayerContext) => {
    layer.requireChannelsLast();
    const keepDims = layer.boolean('keepDims', false);
    // ReduceMean/ReduceMax take `axes` as an attribute up to opset 17 (an input from 18 on).
    const attributes = { axes: ints(range(1, layer.inputRank - 1)), keepdims: int(keepDims ? 1 : 0) };
    const hint = layer.hint(opType === 'ReduceMean' ? 'global_avg' : 'global_max');
    return layer.graph.node(opType, [layer.input], attributes, hint);
  };
}

export const convertMaxPooling = localPool('MaxPool');
export const convertAveragePooling = localPool('AveragePool');
export const convertGlobalAveragePooling = globalPool('ReduceMean');
export const convertGlobalMaxPooling = globalPool('ReduceMax');
