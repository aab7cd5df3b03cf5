/**
 * The ONNX protobuf schema, as compiled by the `onnx-proto` package (protobufjs static code, IR version 8). We
 * build plain objects typed by its interfaces and let protobufjs encode them.
 */
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';

// onnx-proto is CommonJS (`module.exports = { onnx }`), so ESM sees only a default export.
export const onnx = onnxProto.onnx;

export type ModelProto = OnnxTypes.IModelProto;
export type NodeProto = OnnxTypes.INodeProto;
export type TensorProto = OnnxTypes.ITensorProto;
export type AttributeProto = OnnxTypes.IAttributeProto;
export type ValueInfoProto = OnnxTypes.IValueInfoProto;
