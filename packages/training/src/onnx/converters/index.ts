/** The converter of every exportable tfjs layer class, and the advice given for the layers that have none. */
import * as activations from './activations.js';
import { convertConv, convertDepthwiseConv2D, convertSeparableConv2D } from './conv.js';
import type { LayerConverter } from './context.js';
import { convertDense } from './dense.js';
import * as merge from './merge.js';
import { convertBatchNormalization } from './normalization.js';
import * as pooling from './pooling.js';
import { convertFlatten, convertPermute, convertReshape, convertZeroPadding2D } from './reshaping.js';

// Regularisation layers are the identity at inference; the output simply reuses the input's name.
const identity: LayerConverter = (layer) => layer.input;

export const LAYER_CONVERTERS: Readonly<Record<string, LayerConverter>> = {
  Dense: convertDense,
  Conv1D: convertConv,
  Conv2D: convertConv,
  DepthwiseConv2D: convertDepthwiseConv2D,
  SeparableConv2D: convertSeparableConv2D,
  MaxPooling1D: pooling.convertMaxPooling,
  MaxPooling2D: pooling.convertMaxPooling,
  AveragePooling1D: pooling.convertAveragePooling,
  AveragePooling2D: pooling.convertAveragePooling,
  GlobalAveragePooling1D: pooling.convertGlobalAveragePooling,
  GlobalAveragePooling2D: pooling.convertGlobalAveragePooling,
  GlobalMaxPooling1D: pooling.convertGlobalMaxPooling,
  GlobalMaxPooling2D: pooling.convertGlobalMaxPooling,
  BatchNormalization: convertBatchNormalization,
  Dropout: identity,
  SpatialDropout1D: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
  Flatten: convertFlatten,
  Reshape: convertReshape,
  Permute: convertPermute,
  ZeroPadding2D: convertZeroPadding2D,
  Activation: activations.convertActivation,
  ReLU: activations.convertReLU,
  LeakyReLU: activations.convertLeakyReLU,
  ELU: activations.convertELU,
  PReLU: activations.convertPReLU,
  ThresholdedReLU: activations.convertThresholdedReLU,
  Softmax: activations.convertSoftmax,
  Add: merge.convertAdd,
  Multiply: merge.convertMultiply,
  Average: merge.convertAverage,
  Maximum: merge.convertMaximum,
  Minimum: merge.convertMinimum,
  Concatenate: merge.convertConcatenate,
  Dot: merge.convertDot,
};

/** Class names of the tfjs layers the exporter converts (InputLayer and nested models aside). */
export const EXPORTABLE_LAYERS: readonly string[] = Object.keys(LAYER_CONVERTERS);

const RECURRENT = new Set(['RNN', 'SimpleRNN', 'GRU', 'LSTM', 'ConvLSTM2D', 'Bidirectional', 'TimeDistributed']);

/** What to tell the user about a layer class without a converter. */
export function unsupportedLayerAdvice(className: string): string {
  const supported = EXPORTABLE_LAYERS.join(', ');
  if (RECURRENT.has(className)) {
    return (
      `recurrent layers are not exported to ONNX; summarise time with GlobalAveragePooling1D or attention ` +
      `pooling (Dense score -> Softmax over time -> Dot) instead. Exportable layers: ${supported}`
    );
  }
  return (
    `has no ONNX converter; rebuild the model from exportable layers (${supported}) or add a converter to ` +
    `packages/training/src/onnx/converters/index.ts`
  );
}
