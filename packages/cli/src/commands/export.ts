/**
 * `ser export <model.json> --out model.onnx`: a TensorFlow.js layers model to ONNX with our exporter, trusted only
 * after onnxruntime reproduces tfjs on sample inputs (the export fails otherwise, and nothing is written).
 */
import { rename, writeFile } from 'node:fs/promises';
import { DEFAULT_TOLERANCE, exportVerified, initTf, loadLayersModelFile, tf, type OnnxOpset } from '@ser/training';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';

export interface ExportOptions {
  out: string;
  opset: OnnxOpset;
  /** Random inputs (standard normal, seeded) the export is verified on. */
  examples: number;
  seed: number;
  json: boolean;
}

export async function exportCommand(modelJson: string, opts: ExportOptions, io: Io): Promise<void> {
  if (!opts.out.endsWith('.onnx')) throw new UsageError(`--out ${opts.out}: name the ONNX file to write, ending in .onnx`);
  await initTf();
  const model = await loadLayersModelFile(modelJson);
  try {
    if (model.inputs.length !== 1) throw new UsageError(`${modelJson}: has ${model.inputs.length} inputs; the exporter takes single-input models`);
    const shape = model.inputs[0]!.shape.slice(1);
    if (shape.some((d) => d === null)) {
      throw new UsageError(`${modelJson}: input shape [${shape.join(', ')}] has free axes besides the batch; fix them in the model`);
    }
    const inputs = tf.randomNormal([opts.examples, ...(shape as number[])], 0, 1, 'float32', opts.seed === 0 ? 1 : opts.seed);
    const { bytes, verification } = await exportVerified(model, inputs, { opset: opts.opset });
    inputs.dispose();
    const tmp = `${opts.out}.${process.pid}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, opts.out);
    const summary = { file: opts.out, bytes: bytes.byteLength, opset: opts.opset, layers: model.layers.length, maxAbsDiff: verification.maxAbsDiff, tolerance: verification.tolerance, examples: verification.samples };
    io.out(
      opts.json ? `${JSON.stringify(summary)}\n`
      : `${opts.out}: ${model.layers.length} layers, ${bytes.byteLength} bytes, opset ${opts.opset}; onnxruntime matches tfjs within ${verification.maxAbsDiff.toExponential(1)} (tolerance ${DEFAULT_TOLERANCE}) on ${verification.samples} random inputs\n`,
    );
  } finally {
    model.dispose();
  }
}
