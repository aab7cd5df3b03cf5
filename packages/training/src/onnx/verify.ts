/**
 * The parity contract of the exporter: an export is only trusted once onnxruntime (CPU) reproduces tfjs's
 * `model.predict` on real inputs within an absolute tolerance (1e-4 by default).
 */
import * as tf from '@tensorflow/tfjs';
import { OnnxExportError } from './errors.js';
import { exportOnnx, type OnnxExportOptions } from './export.js';

export const DEFAULT_TOLERANCE = 1e-4;

export interface OnnxVerifyOptions {
  /** Largest acceptable absolute difference between tfjs and onnxruntime outputs. Default 1e-4. */
  tolerance?: number;
}

export interface OnnxVerification {
  /** Largest |tfjs - onnxruntime| over every output value of every sample (Infinity if only one side is NaN). */
  maxAbsDiff: number;
  tolerance: number;
  passed: boolean;
  samples: number;
}

export interface VerifiedOnnxExport {
  bytes: Uint8Array;
  verification: OnnxVerification;
}

/**
 * Runs `onnxBytes` in onnxruntime-node (CPU execution provider) and `model.predict` in tfjs on the same `inputs`
 * (a batch tensor, or one Float32Array per sample holding the per-sample input in row-major order) and compares
 * every output. Single-input models only.
 */
export async function verifyOnnx(
  model: tf.LayersModel,
  onnxBytes: Uint8Array,
  inputs: tf.Tensor | Float32Array[],
  options: OnnxVerifyOptions = {},
): Promise<OnnxVerification> {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  if (model.inputs.length !== 1) {
    throw new OnnxExportError(`verifyOnnx takes single-input models; this one has ${model.inputs.length}`);
  }
  const batch = toBatch(model, inputs);
  const expected = predictWithTfjs(model, batch);
  const actual = await runWithOnnxRuntime(onnxBytes, batch);
  if (actual.length !== expected.length) {
    throw new OnnxExportError(`the ONNX model has ${actual.length} outputs, the tfjs model ${expected.length}`);
  }
  let maxAbsDiff = 0;
  expected.forEach((want, i) => {
    const got = actual[i]!;
    if (want.dims.join('x') !== got.dims.join('x')) {
      throw new OnnxExportError(
        `output ${i} has shape [${got.dims.join(', ')}] in ONNX but [${want.dims.join(', ')}] in tfjs`,
      );
    }
    maxAbsDiff = Math.max(maxAbsDiff, maxAbsDifference(want.data, got.data));
  });
  return { maxAbsDiff, tolerance, passed: maxAbsDiff <= tolerance, samples: batch.dims[0]! };
}

/**
 * `exportOnnx` followed by `verifyOnnx` on `sampleInputs`; throws OnnxExportError when the outputs differ by
 * more than the tolerance (1e-4 unless given), so a wrong model is never written.
 */
export async function exportVerified(
  model: tf.LayersModel,
  sampleInputs: tf.Tensor | Float32Array[],
  options: OnnxExportOptions & OnnxVerifyOptions = {},
): Promise<VerifiedOnnxExport> {
  const bytes = exportOnnx(model, options);
  const verification = await verifyOnnx(model, bytes, sampleInputs, options);
  if (!verification.passed) {
    throw new OnnxExportError(
      `the ONNX export of model "${model.name}" differs from tfjs by up to ${verification.maxAbsDiff} ` +
        `(tolerance ${verification.tolerance}) on ${verification.samples} samples; a layer converter is wrong. ` +
        `Export sub-models (tf.model({ inputs, outputs: someLayer.output })) to find the layer, and fix its converter`,
    );
  }
  return { bytes, verification };
}

interface DenseBatch {
  data: Float32Array;
  dims: number[];
}

function toBatch(model: tf.LayersModel, inputs: tf.Tensor | Float32Array[]): DenseBatch {
  if (inputs instanceof tf.Tensor) {
    return { data: Float32Array.from(inputs.dataSync() as ArrayLike<number>), dims: [...inputs.shape] };
  }
  const sampleShape = model.inputs[0]!.shape.slice(1);
  if (sampleShape.some((size) => size === null)) {
    throw new OnnxExportError(
      `the model's input shape [${model.inputs[0]!.shape.join(', ')}] has open sizes; pass the inputs as a tf.Tensor`,
    );
  }
  const sampleSize = (sampleShape as number[]).reduce((a, b) => a * b, 1);
  if (inputs.length === 0) throw new OnnxExportError('no sample inputs to verify the export with; pass at least one');
  const data = new Float32Array(inputs.length * sampleSize);
  inputs.forEach((sample, i) => {
    if (sample.length !== sampleSize) {
      throw new OnnxExportError(
        `sample ${i} has ${sample.length} values; the model's input [${sampleShape.join(', ')}] needs ${sampleSize}`,
      );
    }
    data.set(sample, i * sampleSize);
  });
  return { data, dims: [inputs.length, ...(sampleShape as number[])] };
}

function predictWithTfjs(model: tf.LayersModel, batch: DenseBatch): DenseBatch[] {
  return tf.tidy(() => {
    const predicted = model.predict(tf.tensor(batch.data, batch.dims, 'float32'));
    return (Array.isArray(predicted) ? predicted : [predicted]).map((t) => ({
      data: Float32Array.from(t.dataSync() as ArrayLike<number>),
      dims: [...t.shape],
    }));
  });
}

async function runWithOnnxRuntime(onnxBytes: Uint8Array, batch: DenseBatch): Promise<DenseBatch[]> {
  // Loaded on demand: exporting alone must not load the native onnxruntime addon.
  // It is CommonJS: ESM sees module.exports as the default export.
  const ort = (await import('onnxruntime-node')).default;
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  try {
    session = await ort.InferenceSession.create(onnxBytes, { executionProviders: ['cpu'] });
  } catch (error) {
    const reason = (error as Error).message;
    throw new OnnxExportError(`onnxruntime rejects the exported model: ${reason}`, undefined, { cause: error });
  }
  try {
    const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', batch.data, batch.dims) };
    const results = await session.run(feeds);
    return session.outputNames.map((name) => {
      const tensor = results[name]!;
      return { data: Float32Array.from(tensor.data as Float32Array), dims: [...tensor.dims] };
    });
  } finally {
    await session.release();
  }
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue; // also equal infinities, whose difference would be NaN
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return Infinity;
      continue;
    }
    max = Math.max(max, Math.abs(x - y));
  }
  return max;
}
