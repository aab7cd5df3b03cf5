/**
 * A small builder for one ONNX graph: nodes in topological order (the order they are added), float and int64
 * initializers, typed inputs and outputs, and unique tensor names.
 */
import {
  onnx,
  type AttributeProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './proto.js';

/** An ONNX attribute value; ONNX types attributes, so ints and floats are told apart explicitly. */
export type Attribute = { int: number } | { ints: readonly number[] } | { float: number } | { string: string };

export const int = (value: number): Attribute => ({ int: value });
export const ints = (values: readonly number[]): Attribute => ({ ints: values });
export const float = (value: number): Attribute => ({ float: value });

/** A tensor shape as tfjs reports it: `null` where the size is only known at run time (the batch, usually). */
export type Shape = readonly (number | null)[];

export interface ModelMetadata {
  opset: number;
  irVersion: number;
  producerName: string;
  producerVersion: string;
  graphName: string;
  docString?: string;
}

const AttributeType = onnx.AttributeProto.AttributeType;
const DataType = onnx.TensorProto.DataType;

export class OnnxGraph {
  readonly #nodes: NodeProto[] = [];
  readonly #initializers: TensorProto[] = [];
  readonly #inputs: ValueInfoProto[] = [];
  readonly #outputs: ValueInfoProto[] = [];
  readonly #usedNames = new Set<string>();
  readonly #scalars = new Map<number, string>();

  /** `hint` if no tensor or node has that name yet, else `hint_1`, `hint_2`, ... */
  uniqueName(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_./:-]/g, '_') || 'tensor';
    let name = base;
    for (let i = 1; this.#usedNames.has(name); i++) name = `${base}_${i}`;
    this.#usedNames.add(name);
    return name;
  }

  /** Adds a single-output node and returns the name of its output. */
  node(opType: string, inputs: readonly string[], attributes: Record<string, Attribute> = {}, hint = opType): string {
    const output = this.uniqueName(hint);
    this.#nodes.push({
      opType,
      name: output,
      input: [...inputs],
      output: [output],
      attribute: Object.entries(attributes).map(([name, value]) => toAttributeProto(name, value)),
    });
    return output;
  }

  /** Keeps `name` free for an exact use later (a graph output). */
  reserve(name: string): void {
    this.#usedNames.add(name);
  }

  /** Copies `input` to a tensor named exactly `output` (reserved beforehand), e.g. to name a graph output. */
  identity(input: string, output: string): void {
    this.#nodes.push({ opType: 'Identity', name: output, input: [input], output: [output], attribute: [] });
  }

  transpose(input: string, perm: readonly number[], hint: string): string {
    return this.node('Transpose', [input], { perm: ints(perm) }, hint);
  }

  floatInitializer(hint: string, values: Float32Array, dims: readonly number[]): string {
    const name = this.uniqueName(hint);
    // raw_data is little-endian float32 by the ONNX spec, which is what a Float32Array holds on every host Node runs on.
    const rawData = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
    this.#initializers.push({ name, dataType: DataType.FLOAT, dims: [...dims], rawData });
    return name;
  }

  int64Initializer(hint: string, values: readonly number[]): string {
    const name = this.uniqueName(hint);
    this.#initializers.push({ name, dataType: DataType.INT64, dims: [values.length], int64Data: [...values] });
    return name;
  }

  /** A float scalar constant, shared by every node that needs the same value. */
  scalar(value: number): string {
    let name = this.#scalars.get(value);
    if (name === undefined) {
      name = this.floatInitializer(`const_${value}`, Float32Array.of(value), []);
      this.#scalars.set(value, name);
    }
    return name;
  }

  input(name: string, shape: Shape): void {
    this.#usedNames.add(name);
    this.#inputs.push(valueInfo(name, shape));
  }

  output(name: string, shape: Shape): void {
    this.#outputs.push(valueInfo(name, shape));
  }

  toModel(meta: ModelMetadata): ModelProto {
    return {
      irVersion: meta.irVersion,
      producerName: meta.producerName,
      producerVersion: meta.producerVersion,
      docString: meta.docString ?? '',
      opsetImport: [{ domain: '', version: meta.opset }],
      graph: {
        name: meta.graphName,
        node: this.#nodes,
        initializer: this.#initializers,
        input: this.#inputs,
        output: this.#outputs,
      },
    };
  }
}

function toAttributeProto(name: string, value: Attribute): AttributeProto {
  if ('int' in value) return { name, type: AttributeType.INT, i: value.int };
  if ('ints' in value) return { name, type: AttributeType.INTS, ints: [...value.ints] };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value.string) };
}

function valueInfo(name: string, shape: Shape): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: {
          dim: shape.map((size, axis) =>
            size === null ? { dimParam: axis === 0 ? 'batch' : `${name}_dim${axis}` } : { dimValue: size },
          ),
        },
      },
    },
  };
}
