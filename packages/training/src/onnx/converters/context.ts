/**
 * What a layer converter sees: the tfjs layer, its config, the ONNX names of its inputs, the shapes tfjs inferred,
 * and the graph to add nodes to. A converter returns the ONNX name of the layer's single output.
 */
import type * as tf from '@tensorflow/tfjs';
import { OnnxExportError } from '../errors.js';
import type { OnnxGraph, Shape } from '../graph.js';

export interface Weight {
  values: Float32Array;
  shape: number[];
}

type ConfigValue = unknown;

export class LayerContext {
  readonly name: string;
  readonly className: string;
  readonly config: Record<string, ConfigValue>;

  constructor(
    readonly layer: tf.layers.Layer,
    readonly graph: OnnxGraph,
    /** ONNX tensor names, one per tfjs input of this call of the layer. */
    readonly inputs: readonly string[],
    /** tfjs shapes of those inputs, batch axis first (`null` where unknown). */
    readonly inputShapes: readonly Shape[],
    readonly outputShape: Shape,
  ) {
    this.name = layer.name;
    this.className = layer.getClassName();
    this.config = layer.getConfig() as Record<string, ConfigValue>;
  }

  get input(): string {
    if (this.inputs.length !== 1) this.fail(`expected one input, got ${this.inputs.length}`);
    return this.inputs[0]!;
  }

  get inputShape(): Shape {
    return this.inputShapes[0]!;
  }

  get inputRank(): number {
    return this.inputShape.length;
  }

  /** A name hint for nodes of this layer, so the ONNX graph reads like the tfjs summary. */
  hint(suffix: string): string {
    return `${this.name}/${suffix}`;
  }

  fail(message: string): never {
    throw new OnnxExportError(message, { name: this.name, className: this.className });
  }

  /** The layer's weight by its Keras name ("kernel", "bias", "gamma", ...), or undefined if the layer has none. */
  weight(kerasName: string): Weight | undefined {
    const variable = this.layer.weights.find((w) => w.originalName.split('/').pop() === kerasName);
    if (!variable) return undefined;
    const tensor = variable.read();
    if (tensor.dtype !== 'float32') this.fail(`weight "${kerasName}" is ${tensor.dtype}; only float32 weights export`);
    return { values: new Float32Array(tensor.dataSync() as Float32Array), shape: [...tensor.shape] };
  }

  /** The bias of a layer with a `useBias` option, unless it has none. */
  bias(): Weight | undefined {
    return this.boolean('useBias', true) ? this.weight('bias') : undefined;
  }

  /** `weight` as a graph initializer named after this layer. */
  constant(suffix: string, weight: Weight): string {
    return this.graph.floatInitializer(this.hint(suffix), weight.values, weight.shape);
  }

  requireWeight(kerasName: string): Weight {
    return this.weight(kerasName) ?? this.fail(`has no weight "${kerasName}"; build the model before exporting it`);
  }

  /** A number or array option as an array of `rank` numbers (tfjs accepts `kernelSize: 3` for `[3, 3]`). */
  numbers(key: string, rank: number, fallback?: readonly number[]): number[] {
    const value = this.config[key] ?? fallback;
    const list = typeof value === 'number' ? new Array<number>(rank).fill(value) : value;
    if (!Array.isArray(list) || list.length !== rank || !list.every((v) => typeof v === 'number')) {
      this.fail(`config "${key}" is ${JSON.stringify(value)}; expected ${rank} numbers`);
    }
    return list as number[];
  }

  number(key: string, fallback?: number): number {
    const value = this.config[key] ?? fallback;
    if (typeof value !== 'number') this.fail(`config "${key}" is ${JSON.stringify(value)}; expected a number`);
    return value;
  }

  string(key: string, fallback?: string): string {
    const value = this.config[key] ?? fallback;
    if (typeof value !== 'string') this.fail(`config "${key}" is ${JSON.stringify(value)}; expected a string`);
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.config[key] ?? fallback;
    if (typeof value !== 'boolean') this.fail(`config "${key}" is ${JSON.stringify(value)}; expected true or false`);
    return value;
  }

  /** Conv and pooling converters only handle channels-last data, tfjs's default. */
  requireChannelsLast(): void {
    const format = this.config['dataFormat'];
    if (format !== undefined && format !== null && format !== 'channelsLast') {
      this.fail(`dataFormat "${String(format)}" is not exported; build the model with dataFormat "channelsLast"`);
    }
  }

  /** Converts a possibly negative axis of the input (batch axis included) to its index. */
  axis(axis: number, rank = this.inputRank): number {
    const resolved = axis < 0 ? axis + rank : axis;
    if (resolved < 0 || resolved >= rank) this.fail(`axis ${axis} is out of range for rank ${rank}`);
    return resolved;
  }
}

export type LayerConverter = (layer: LayerContext) => string;
