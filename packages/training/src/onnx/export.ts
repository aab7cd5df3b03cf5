/**
 * tfjs layers model -> ONNX ModelProto bytes. The graph is walked from the model's outputs back to its inputs
 * through tfjs's symbolic tensors, so Sequential and functional models (branches, residual Adds, shared layers,
 * nested models) all convert the same way; each layer call becomes the nodes its converter emits.
 */
import type * as tf from '@tensorflow/tfjs';
import { LayerContext } from './converters/context.js';
import { LAYER_CONVERTERS, unsupportedLayerAdvice } from './converters/index.js';
import { OnnxExportError } from './errors.js';
import { OnnxGraph, type Shape } from './graph.js';
import { onnx } from './proto.js';

/**
 * The ONNX opset the exporter writes by default: 13 is the first opset whose Softmax normalises over one axis
 * (not everything flattened from it), and is read by every onnxruntime of the last years (node, web, mobile).
 * Every operator the exporter emits has the same semantics in 13 and 17, so 17 may be asked for instead.
 */
export const DEFAULT_OPSET = 13;
export type OnnxOpset = 13 | 17;

/** The ONNX IR version that goes with each opset (ONNX 1.8 -> IR 7 with opset 13; ONNX 1.12 -> IR 8 with 17). */
const IR_VERSION: Record<OnnxOpset, number> = { 13: 7, 17: 8 };

export interface OnnxExportOptions {
  /** ONNX opset, 13 (default) or 17. */
  opset?: OnnxOpset;
  /** Name of the graph input (for several inputs, `${inputName}_${i}`). Default "input". */
  inputName?: string;
  /**
   * Shape of the graph input, batch axis first, `null` for a size fixed only at run time. Defaults to the tfjs
   * input shape; give it to fix sizes tfjs leaves open (e.g. the frame count). Must agree with the tfjs shape.
   */
  inputShape?: Shape;
  /** Name of the graph output (for several outputs, `${outputName}_${i}`). Default "output". */
  outputName?: string;
  /** `producer_name` of the model. Default "ser". */
  producerName?: string;
  producerVersion?: string;
  docString?: string;
}

/** Structural view of the tfjs graph internals the walk reads (public fields, not all in tfjs's exported types). */
interface GraphNode {
  inputTensors: tf.SymbolicTensor[];
  outputTensors: tf.SymbolicTensor[];
}
type WalkableLayer = tf.layers.Layer & { inboundNodes: GraphNode[] };

export function exportOnnx(model: tf.LayersModel, options: OnnxExportOptions = {}): Uint8Array {
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!(opset in IR_VERSION)) throw new OnnxExportError(`opset ${String(opset)} is not supported; use 13 or 17`);
  const graph = new OnnxGraph();
  const names = new Map<number, string>();

  const inputName = options.inputName ?? 'input';
  model.inputs.forEach((input, i) => {
    const name = model.inputs.length === 1 ? inputName : `${inputName}_${i}`;
    graph.input(name, graphInputShape(input.shape, i === 0 ? options.inputShape : undefined));
    names.set(input.id, name);
  });

  const outputName = options.outputName ?? 'output';
  const outputNames = model.outputs.map((_, i) => (model.outputs.length === 1 ? outputName : `${outputName}_${i}`));
  outputNames.forEach((name) => graph.reserve(name));

  model.outputs.forEach((output, i) => {
    const internal = convertTensor(output, graph, names);
    graph.identity(internal, outputNames[i]!);
    graph.output(outputNames[i]!, output.shape);
  });

  const proto = graph.toModel({
    opset,
    irVersion: IR_VERSION[opset],
    producerName: options.producerName ?? 'ser',
    producerVersion: options.producerVersion ?? '',
    graphName: model.name,
    ...(options.docString === undefined ? {} : { docString: options.docString }),
  });
  return onnx.ModelProto.encode(onnx.ModelProto.create(proto)).finish();
}

/** The ONNX name of `tensor`, converting the layers that produce it (and their inputs) on first use. */
function convertTensor(tensor: tf.SymbolicTensor, graph: OnnxGraph, names: Map<number, string>): string {
  const known = names.get(tensor.id);
  if (known !== undefined) return known;

  const layer = tensor.sourceLayer as WalkableLayer;
  const node = layer.inboundNodes[tensor.nodeIndex];
  const className = layer.getClassName();
  if (!node) throw new OnnxExportError('has no call that produced this tensor', { name: layer.name, className });
  const inputs = node.inputTensors.map((input) => convertTensor(input, graph, names));

  let outputs: string[];
  if (isNestedModel(layer)) {
    outputs = convertNestedModel(layer, inputs, graph);
  } else {
    const converter = LAYER_CONVERTERS[className];
    if (!converter) throw new OnnxExportError(unsupportedLayerAdvice(className), { name: layer.name, className });
    const inputShapes = node.inputTensors.map((t) => t.shape);
    const context = new LayerContext(layer, graph, inputs, inputShapes, node.outputTensors[0]!.shape);
    const outputCount = node.outputTensors.length;
    if (outputCount !== 1) context.fail(`has ${outputCount} outputs; only single-output layers export`);
    outputs = [converter(context)];
  }
  node.outputTensors.forEach((output, i) => names.set(output.id, outputs[i]!));
  return outputs[tensor.tensorIndex]!;
}

function isNestedModel(layer: tf.layers.Layer): layer is tf.LayersModel & WalkableLayer {
  const candidate = layer as Partial<tf.LayersModel>;
  return Array.isArray(candidate.inputs) && Array.isArray(candidate.outputs) && Array.isArray(candidate.layers);
}

/** A model used as a layer: its inner graph is inlined, with its inputs bound to this call's inputs. */
function convertNestedModel(model: tf.LayersModel, inputs: readonly string[], graph: OnnxGraph): string[] {
  // A fresh name map per call, so a sub-model applied twice is inlined twice.
  const inner = new Map<number, string>();
  model.inputs.forEach((input, i) => inner.set(input.id, inputs[i]!));
  return model.outputs.map((output) => convertTensor(output, graph, inner));
}

function graphInputShape(tfShape: Shape, override: Shape | undefined): Shape {
  if (!override) return tfShape;
  const agrees =
    override.length === tfShape.length && override.every((size, i) => tfShape[i] === null || size === tfShape[i]);
  if (!agrees) {
    throw new OnnxExportError(
      `inputShape ${JSON.stringify(override)} does not fit the model's input ${JSON.stringify(tfShape)}; ` +
        `it may only fix sizes the model leaves open (null)`,
    );
  }
  return override;
}
