import { SerError } from '@ser/core';

/**
 * A model that cannot be exported to ONNX, or whose export does not reproduce TensorFlow.js. `layerName` and
 * `layerClass` name the offending layer when there is one.
 */
export class OnnxExportError extends SerError {
  readonly layerName: string | undefined;
  readonly layerClass: string | undefined;
  constructor(message: string, layer?: { name: string; className: string }, options?: { cause?: unknown }) {
    super(layer ? `layer "${layer.name}" (${layer.className}): ${message}` : message, options);
    this.layerName = layer?.name;
    this.layerClass = layer?.className;
  }
}
