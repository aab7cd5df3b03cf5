/**
 * Flatten, Reshape, Permute and ZeroPadding. The exported graph keeps tfjs's channels-last layout, so these map
 * one to one: Flatten sees NHWC and flattens in NHWC order, exactly as tfjs does, without any transpose.
 */
import { int } from '../graph.js';
import type { LayerConverter } from './context.js';

export const convertFlatten: LayerConverter = (layer) => {
  layer.requireChannelsLast();
  return layer.graph.node('Flatten', [layer.input], { axis: int(1) }, layer.hint('flatten'));
};

export const convertReshape: LayerConverter = (layer) => {
  const target = layer.config['targetShape'];
  if (!Array.isArray(target)) layer.fail(`config "targetShape" is ${JSON.stringify(target)}; expected numbers`);
  // 0 copies the batch size from the input (Reshape's default allowzero = 0). tfjs stores an inferred size (-1)
  // as null in its config; ONNX spells it -1.
  const sizes = (target as (number | null)[]).map((size) => size ?? -1);
  const shape = layer.graph.int64Initializer(layer.hint('shape'), [0, ...sizes]);
  return layer.graph.node('Reshape', [layer.input, shape], {}, layer.hint('reshape'));
};

export const convertPermute: LayerConverter = (layer) => {
  const dims = layer.config['dims'];
  if (!Array.isArray(dims)) layer.fail(`config "dims" is ${JSON.stringify(dims)}; expected numbers`);
  return layer.graph.transpose(layer.input, [0, ...(dims as number[])], layer.hint('permute'));
};

export const convertZeroPadding2D: LayerConverter = (layer) => {
  layer.requireChannelsLast();
  const padding = layer.config['padding'];
  const [[top, bottom], [left, right]] =
    normalisePadding2D(padding) ?? layer.fail(`config "padding" is ${JSON.stringify(padding)}; expected [[t, b], [l, r]]`);
  const pads = layer.graph.int64Initializer(layer.hint('pads'), [0, top, left, 0, 0, bottom, right, 0]);
  return layer.graph.node('Pad', [layer.input, pads], {}, layer.hint('pad'));
};

type Pair = [number, number];

function normalisePadding2D(padding: unknown): [Pair, Pair] | undefined {
  if (typeof padding === 'number') return [[padding, padding], [padding, padding]];
  if (!Array.isArray(padding) || padding.length !== 2) return undefined;
  const pair = (p: unknown): Pair | undefined =>
    typeof p === 'number' ? [p, p] : Array.isArray(p) && p.length === 2 ? [Number(p[0]), Number(p[1])] : undefined;
  const rows = pair(padding[0]);
  const cols = pair(padding[1]);
  return rows && cols ? [rows, cols] : undefined;
}
