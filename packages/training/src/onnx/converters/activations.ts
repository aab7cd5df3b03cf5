/** Activation functions (as used by Dense, Conv and Activation layers) and the advanced-activation layers. */
import { float, int } from '../graph.js';
import type { LayerContext, LayerConverter } from './context.js';

// tfjs-core's selu constants; ONNX's Selu defaults round differently, so they are passed explicitly.
const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = 1.7580993408473768;

/**
 * Appends the tfjs activation `name` (its serialized class name, e.g. "relu", "hardSigmoid") to `input`.
 * Softmax and logSoftmax act on the last axis, as in tfjs; from opset 13 ONNX's Softmax normalises over that one
 * axis only (before 13 it flattened everything from `axis` on, which would be wrong for rank > 2).
 */
export function applyActivation(layer: LayerContext, input: string, name: string): string {
  const g = layer.graph;
  const hint = layer.hint(name);
  switch (name) {
    case 'linear':
      return input;
    case 'relu':
      return g.node('Relu', [input], {}, hint);
    case 'relu6':
      return g.node('Clip', [input, g.scalar(0), g.scalar(6)], {}, hint);
    case 'elu':
      return g.node('Elu', [input], { alpha: float(1) }, hint);
    case 'selu':
      return g.node('Selu', [input], { alpha: float(SELU_SCALE_ALPHA / SELU_SCALE), gamma: float(SELU_SCALE) }, hint);
    case 'tanh':
      return g.node('Tanh', [input], {}, hint);
    case 'sigmoid':
      return g.node('Sigmoid', [input], {}, hint);
    case 'hardSigmoid':
      return g.node('HardSigmoid', [input], { alpha: float(0.2), beta: float(0.5) }, hint);
    case 'softplus':
      return g.node('Softplus', [input], {}, hint);
    case 'softsign':
      return g.node('Softsign', [input], {}, hint);
    case 'softmax':
      return g.node('Softmax', [input], { axis: int(-1) }, hint);
    case 'logSoftmax':
      return g.node('LogSoftmax', [input], { axis: int(-1) }, hint);
    case 'swish':
      return g.node('Mul', [input, g.node('Sigmoid', [input], {}, hint)], {}, hint);
    case 'mish': {
      const softplus = g.node('Softplus', [input], {}, hint);
      return g.node('Mul', [input, g.node('Tanh', [softplus], {}, hint)], {}, hint);
    }
    case 'gelu': {
      // x * (1 + erf(x / sqrt 2)) / 2, tfjs's exact form.
      const erf = g.node('Erf', [g.node('Div', [input, g.scalar(Math.SQRT2)], {}, hint)], {}, hint);
      const cdf = g.node('Mul', [g.node('Add', [erf, g.scalar(1)], {}, hint), g.scalar(0.5)], {}, hint);
      return g.node('Mul', [input, cdf], {}, hint);
    }
    case 'gelu_new': {
      // tfjs's tanh approximation: x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))) / 2.
      const cube = g.node('Mul', [input, g.node('Mul', [input, input], {}, hint)], {}, hint);
      const inner = g.node('Add', [input, g.node('Mul', [cube, g.scalar(0.044715)], {}, hint)], {}, hint);
      const tanh = g.node('Tanh', [g.node('Mul', [inner, g.scalar(Math.sqrt(2 / Math.PI))], {}, hint)], {}, hint);
      const half = g.node('Mul', [g.node('Add', [tanh, g.scalar(1)], {}, hint), g.scalar(0.5)], {}, hint);
      return g.node('Mul', [input, half], {}, hint);
    }
    default:
      return layer.fail(
        `activation "${name}" has no ONNX mapping; use one of ${SUPPORTED_ACTIVATIONS.join(', ')} ` +
          `or add it to packages/training/src/onnx/converters/activations.ts`,
      );
  }
}

export const SUPPORTED_ACTIVATIONS = [
  'linear', 'relu', 'relu6', 'elu', 'selu', 'tanh', 'sigmoid', 'hardSigmoid', 'softplus', 'softsign',
  'softmax', 'logSoftmax', 'swish', 'mish', 'gelu', 'gelu_new',
] as const;

/** The `activation` option of Dense and Conv layers; tfjs serializes a missing one as "linear". */
export function layerActivation(layer: LayerContext, input: string): string {
  return applyActivation(layer, input, layer.string('activation', 'linear'));
}

export const convertActivation: LayerConverter = (layer) => layerActivation(layer, layer.input);

export const convertReLU: LayerConverter = (layer) => {
  const g = layer.graph;
  const maxValue = layer.config['maxValue'];
  if (maxValue === undefined || maxValue === null) return g.node('Relu', [layer.input], {}, layer.hint('relu'));
  return g.node('Clip', [layer.input, g.scalar(0), g.scalar(layer.number('maxValue'))], {}, layer.hint('relu'));
};

export const convertLeakyReLU: LayerConverter = (layer) =>
  layer.graph.node('LeakyRelu', [layer.input], { alpha: float(layer.number('alpha', 0.3)) }, layer.hint('leaky_relu'));

// tfjs's ELU layer ignores its alpha (it always computes alpha = 1), so the export does the same.
export const convertELU: LayerConverter = (layer) =>
  layer.graph.node('Elu', [layer.input], { alpha: float(1) }, layer.hint('elu'));

export const convertThresholdedReLU: LayerConverter = (layer) =>
  layer.graph.node('ThresholdedRelu', [layer.input], { alpha: float(layer.number('theta', 1)) }, layer.hint('relu'));

export const convertPReLU: LayerConverter = (layer) => {
  // alpha has the input's shape without the batch axis, which broadcasts against [N, ...] as ONNX PRelu expects.
  const alpha = layer.requireWeight('alpha');
  const slope = layer.graph.floatInitializer(layer.hint('alpha'), alpha.values, alpha.shape);
  return layer.graph.node('PRelu', [layer.input, slope], {}, layer.hint('prelu'));
};

export const convertSoftmax: LayerConverter = (layer) => {
  const axisConfig = layer.config['axis'];
  const axes = Array.isArray(axisConfig) ? (axisConfig as number[]) : [layer.number('axis', -1)];
  if (axes.length !== 1) layer.fail(`softmax over several axes (${axes.join(', ')}) is not exported; use one axis`);
  return layer.graph.node('Softmax', [layer.input], { axis: int(layer.axis(axes[0]!)) }, layer.hint('softmax'));
};
