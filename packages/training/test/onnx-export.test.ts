/**
 * Parity of the ONNX exporter with tfjs: every layer family, and the architectures the project trains, exported
 * with seeded random weights and run in onnxruntime-node on 100 seeded random inputs, must match `model.predict`
 * within 1e-4 (absolute). The measured maxima are printed at the end.
 */
import { createRng } from '@ser/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportOnnx,
  exportVerified,
  initTf,
  OnnxExportError,
  SUPPORTED_ACTIVATIONS,
  verifyOnnx,
  type OnnxExportOptions,
} from '../src/index.js';
import { onnx } from '../src/onnx/proto.js';
import { tf } from '../src/tf-backend.js';

const TOLERANCE = 1e-4;
const SAMPLES = 100;
const measured: { name: string; maxAbsDiff: number }[] = [];

beforeAll(async () => {
  await initTf();
});

afterAll(() => {
  const width = Math.max(...measured.map((m) => m.name.length));
  console.log(
    `ONNX parity on ${tf.getBackend()} (max |tfjs - onnxruntime| over ${SAMPLES} inputs):\n` +
      measured.map((m) => `  ${m.name.padEnd(width)}  ${m.maxAbsDiff.toExponential(2)}`).join('\n'),
  );
});

type Layer = tf.layers.Layer;

function sequential(inputShape: (number | null)[], ...layers: Layer[]): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape }));
  layers.forEach((layer) => model.add(layer));
  return model;
}

/**
 * Seeded weights for every layer. Kernels are uniform with variance 1/fan-in, so activations stay O(1) through deep
 * stacks; BatchNormalization gets non-trivial statistics (variance in [0.5, 1.5]) so its folding is really tested.
 */
function randomizeWeights(model: tf.LayersModel, seed: number): void {
  const rng = createRng(seed);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * rng.next();
  for (const layer of allLayers(model)) {
    const weights = layer.weights.map((variable) => {
      const shape = variable.shape as number[];
      const size = shape.reduce((a, b) => a * b, 1);
      const kind = variable.originalName.split('/').pop()!;
      const fanIn = shape.length > 1 ? size / shape[shape.length - 1]! : 1;
      const limit = Math.sqrt(3 / fanIn);
      const draw = (): number => {
        if (kind === 'moving_variance' || kind === 'gamma') return uniform(0.5, 1.5);
        if (kind === 'moving_mean' || kind === 'beta' || kind === 'bias') return uniform(-0.5, 0.5);
        if (kind === 'alpha') return uniform(0, 0.5);
        return uniform(-limit, limit);
      };
      return tf.tensor(Float32Array.from({ length: size }, draw), shape);
    });
    if (weights.length > 0) layer.setWeights(weights);
    tf.dispose(weights);
  }
}

function allLayers(model: tf.LayersModel): Layer[] {
  return model.layers.flatMap((layer) => ('layers' in layer ? allLayers(layer as tf.LayersModel) : [layer]));
}

function randomInputs(model: tf.LayersModel, seed: number, count = SAMPLES): tf.Tensor {
  const rng = createRng(seed);
  const shape = [count, ...(model.inputs[0]!.shape.slice(1) as number[])];
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => 2 * rng.next() - 1), shape);
}

/** Exports `model` (with seeded random weights) and asserts onnxruntime matches tfjs on 100 random inputs. */
async function expectParity(name: string, model: tf.LayersModel, options: OnnxExportOptions = {}): Promise<number> {
  randomizeWeights(model, name.length * 7919);
  const inputs = randomInputs(model, name.length * 104729);
  try {
    const { verification } = await exportVerified(model, inputs, { ...options, tolerance: TOLERANCE });
    measured.push({ name, maxAbsDiff: verification.maxAbsDiff });
    expect(verification.samples).toBe(SAMPLES);
    expect(verification.maxAbsDiff).toBeLessThanOrEqual(TOLERANCE);
    return verification.maxAbsDiff;
  } finally {
    inputs.dispose();
    model.dispose();
  }
}

describe('ONNX export: Dense and activations', () => {
  it.each(SUPPORTED_ACTIVATIONS)('Dense with activation %s', async (activation) => {
    // tfjs registers logSoftmax but leaves it out of its ActivationIdentifier type.
    const dense = tf.layers.dense({ units: 8, activation: activation as 'linear' });
    await expectParity(`Dense ${activation}`, sequential([12], dense));
  });

  it('Dense without bias on rank-3 input [T, F] (applied per frame)', async () => {
    await expectParity('Dense rank-3', sequential([10, 6], tf.layers.dense({ units: 4, useBias: false })));
  });

  it('Activation layers (relu, elu, tanh, sigmoid, softmax, linear, selu)', async () => {
    const layers = ['relu', 'elu', 'tanh', 'sigmoid', 'linear', 'selu', 'softmax'] as const;
    await expectParity(
      'Activation chain',
      sequential([10, 6], tf.layers.dense({ units: 6 }), ...layers.map((activation) => tf.layers.activation({ activation }))),
    );
  });

  it('ReLU (plain and capped), LeakyReLU, ELU, PReLU, ThresholdedReLU', async () => {
    await expectParity(
      'ReLU layers',
      sequential(
        [5, 6],
        tf.layers.dense({ units: 6 }),
        tf.layers.leakyReLU({ alpha: 0.2 }),
        tf.layers.dense({ units: 6 }),
        tf.layers.prelu({ sharedAxes: [1] }),
        tf.layers.dense({ units: 6 }),
        tf.layers.elu(),
        tf.layers.dense({ units: 6 }),
        tf.layers.thresholdedReLU({ theta: 0.1 }),
        tf.layers.dense({ units: 6 }),
        tf.layers.reLU({ maxValue: 0.5 }),
        tf.layers.dense({ units: 6 }),
        tf.layers.reLU(),
      ),
    );
  });

  it('Softmax layer (tfjs normalises the last axis only)', async () => {
    await expectParity('Softmax layer rank 2', sequential([9], tf.layers.softmax()));
    await expectParity('Softmax layer rank 3', sequential([9, 4], tf.layers.softmax({ axis: -1 })));
  });
});

describe('ONNX export: convolution', () => {
  const conv1dCases: [string, Parameters<typeof tf.layers.conv1d>[0]][] = [
    ['valid', { filters: 5, kernelSize: 3 }],
    ['same stride 2 relu', { filters: 5, kernelSize: 4, strides: 2, padding: 'same', activation: 'relu' }],
    ['same dilation 2 no bias', { filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', useBias: false }],
  ];
  it.each(conv1dCases)('Conv1D %s', async (label, args) => {
    await expectParity(`Conv1D ${label}`, sequential([31, 3], tf.layers.conv1d(args)));
  });

  const conv2dCases: [string, Parameters<typeof tf.layers.conv2d>[0]][] = [
    ['valid 3x3', { filters: 6, kernelSize: 3 }],
    ['same 3x3', { filters: 6, kernelSize: 3, padding: 'same' }],
    ['same 4x2 stride 2 (uneven pads)', { filters: 4, kernelSize: [4, 2], strides: 2, padding: 'same' }],
    ['valid 5x3 stride [2, 1] elu', { filters: 4, kernelSize: [5, 3], strides: [2, 1], activation: 'elu' }],
    ['same no bias relu', { filters: 4, kernelSize: 3, padding: 'same', useBias: false, activation: 'relu' }],
    ['same dilation 2', { filters: 3, kernelSize: 3, dilationRate: 2, padding: 'same' }],
    ['1x1', { filters: 7, kernelSize: 1 }],
  ];
  it.each(conv2dCases)('Conv2D %s', async (label, args) => {
    await expectParity(`Conv2D ${label}`, sequential([13, 11, 3], tf.layers.conv2d(args)));
  });

  it('DepthwiseConv2D (multiplier 1 same, multiplier 2 strided valid)', async () => {
    await expectParity('DepthwiseConv2D m1 same', sequential([12, 10, 3], tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same' })));
    await expectParity(
      'DepthwiseConv2D m2 stride 2',
      sequential([12, 10, 3], tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, activation: 'relu' })),
    );
  });

  it('SeparableConv2D', async () => {
    await expectParity(
      'SeparableConv2D',
      sequential([12, 10, 3], tf.layers.separableConv2d({ filters: 5, kernelSize: 3, depthMultiplier: 2, padding: 'same' })),
    );
  });
});

describe('ONNX export: pooling', () => {
  it.each([
    ['valid', { poolSize: 2 }],
    ['same 3 stride 2', { poolSize: 3, strides: 2, padding: 'same' as const }],
  ])('MaxPooling1D and AveragePooling1D %s', async (label, args) => {
    await expectParity(`MaxPooling1D ${label}`, sequential([15, 3], tf.layers.maxPooling1d(args)));
    await expectParity(`AveragePooling1D ${label}`, sequential([15, 3], tf.layers.averagePooling1d(args)));
  });

  it.each([
    ['valid 2x2', { poolSize: 2 }],
    ['valid 3x3 stride 2', { poolSize: 3, strides: 2 }],
    ['same 3x3 stride 2', { poolSize: 3, strides: 2, padding: 'same' as const }],
    ['same [2, 3]', { poolSize: [2, 3] as [number, number], padding: 'same' as const }],
  ])('MaxPooling2D and AveragePooling2D %s', async (label, args) => {
    await expectParity(`MaxPooling2D ${label}`, sequential([11, 13, 2], tf.layers.maxPooling2d(args)));
    await expectParity(`AveragePooling2D ${label}`, sequential([11, 13, 2], tf.layers.averagePooling2d(args)));
  });

  it('global average and max pooling, 1-D and 2-D', async () => {
    await expectParity('GlobalAveragePooling1D', sequential([9, 4], tf.layers.globalAveragePooling1d()));
    await expectParity('GlobalMaxPooling1D', sequential([9, 4], tf.layers.globalMaxPooling1d()));
    await expectParity('GlobalAveragePooling2D', sequential([7, 6, 4], tf.layers.globalAveragePooling2d({})));
    await expectParity('GlobalMaxPooling2D', sequential([7, 6, 4], tf.layers.globalMaxPooling2d({})));
  });
});

describe('ONNX export: normalisation, regularisation and reshaping', () => {
  it('BatchNormalization on the channel axis of rank 2, 3 and 4 inputs, with the layer epsilon', async () => {
    await expectParity('BatchNorm rank 2', sequential([6], tf.layers.batchNormalization()));
    await expectParity('BatchNorm rank 3 eps 1e-5', sequential([8, 5], tf.layers.batchNormalization({ epsilon: 1e-5 })));
    await expectParity('BatchNorm rank 4', sequential([6, 5, 4], tf.layers.batchNormalization({ axis: 3 })));
  });

  it('BatchNormalization over a non-channel axis, and without scale or centre', async () => {
    // tfjs cycles the parameters over the flattened input for such axes; the export reproduces it (see converter).
    await expectParity('BatchNorm axis 1 (tfjs cyclic)', sequential([6, 5, 4], tf.layers.batchNormalization({ axis: 1 })));
    await expectParity('BatchNorm no scale/center', sequential([6, 5], tf.layers.batchNormalization({ scale: false, center: false })));
  });

  it('Dropout, SpatialDropout1D and GaussianNoise are the identity at inference', async () => {
    await expectParity(
      'Dropout family',
      sequential(
        [9, 4],
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.spatialDropout1d({ rate: 0.5 }),
        tf.layers.gaussianNoise({ stddev: 1 }),
        tf.layers.dense({ units: 3 }),
      ),
    );
  });

  it('Flatten after a conv flattens in channels-last order', async () => {
    await expectParity(
      'Conv2D + Flatten + Dense',
      sequential([6, 5, 2], tf.layers.conv2d({ filters: 3, kernelSize: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 4 })),
    );
  });

  it('Reshape and Permute', async () => {
    await expectParity(
      'Reshape + Permute',
      sequential([6, 4, 2], tf.layers.reshape({ targetShape: [6, 8] }), tf.layers.permute({ dims: [2, 1] }), tf.layers.dense({ units: 3 })),
    );
    await expectParity('Reshape with -1', sequential([6, 4], tf.layers.reshape({ targetShape: [-1, 2, 2] })));
  });

  it('ZeroPadding2D, symmetric and asymmetric', async () => {
    await expectParity('ZeroPadding2D 1', sequential([5, 4, 2], tf.layers.zeroPadding2d({ padding: 1 })));
    await expectParity(
      'ZeroPadding2D [[1, 2], [0, 3]]',
      sequential([5, 4, 2], tf.layers.zeroPadding2d({ padding: [[1, 2], [0, 3]] }), tf.layers.conv2d({ filters: 2, kernelSize: 3 })),
    );
  });
});

describe('ONNX export: merge layers', () => {
  function twoBranches(merge: (a: tf.SymbolicTensor, b: tf.SymbolicTensor) => tf.SymbolicTensor): tf.LayersModel {
    const input = tf.input({ shape: [7, 5] });
    const a = tf.layers.dense({ units: 5, activation: 'tanh' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 5 }).apply(input) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: merge(a, b) });
  }
  const cases: [string, (a: tf.SymbolicTensor, b: tf.SymbolicTensor) => tf.SymbolicTensor][] = [
    ['Add', (a, b) => tf.layers.add().apply([a, b]) as tf.SymbolicTensor],
    ['Multiply', (a, b) => tf.layers.multiply().apply([a, b]) as tf.SymbolicTensor],
    ['Average', (a, b) => tf.layers.average().apply([a, b]) as tf.SymbolicTensor],
    ['Maximum', (a, b) => tf.layers.maximum().apply([a, b]) as tf.SymbolicTensor],
    ['Minimum', (a, b) => tf.layers.minimum().apply([a, b]) as tf.SymbolicTensor],
    ['Concatenate last axis', (a, b) => tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor],
    ['Concatenate time axis', (a, b) => tf.layers.concatenate({ axis: 1 }).apply([a, b]) as tf.SymbolicTensor],
    ['Add of three', (a, b) => tf.layers.add().apply([a, b, a]) as tf.SymbolicTensor],
  ];
  it.each(cases)('%s', async (name, merge) => {
    await expectParity(name, twoBranches(merge));
  });

  it('Multiply broadcasts [T, 1] weights over [T, F] frames', async () => {
    await expectParity(
      'Multiply broadcast',
      twoBranches((a, b) => tf.layers.multiply().apply([a, tf.layers.dense({ units: 1 }).apply(b) as tf.SymbolicTensor]) as tf.SymbolicTensor),
    );
  });
});

describe('ONNX export: architectures', () => {
  it('2-D CNN on a 64 x 64 log-mel patch: conv + BN + relu + pool blocks, flatten, dense softmax', async () => {
    const block = (filters: number) => [
      tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false }),
      tf.layers.batchNormalization(),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
    ];
    const model = sequential(
      [64, 64, 1],
      ...block(8),
      ...block(16),
      ...block(16),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 32, activation: 'relu' }),
      tf.layers.dense({ units: 7, activation: 'softmax' }),
    );
    await expectParity('CNN-2D log-mel 64x64', model);
  });

  it('1-D CNN on a classic193 vector', async () => {
    const model = sequential(
      [193, 1],
      tf.layers.conv1d({ filters: 16, kernelSize: 5, padding: 'same', activation: 'relu' }),
      tf.layers.batchNormalization(),
      tf.layers.maxPooling1d({ poolSize: 4 }),
      tf.layers.conv1d({ filters: 32, kernelSize: 5, padding: 'same', activation: 'relu' }),
      tf.layers.averagePooling1d({ poolSize: 2 }),
      tf.layers.dropout({ rate: 0.2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 8, activation: 'softmax' }),
    );
    await expectParity('CNN-1D classic193', model);
  });

  it('residual block with Add (projection shortcut) and global pooling', async () => {
    const input = tf.input({ shape: [20, 16, 1] });
    const stem = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tf.SymbolicTensor;
    let x = tf.layers.conv2d({ filters: 12, kernelSize: 3, strides: 2, padding: 'same' }).apply(stem) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ filters: 12, kernelSize: 3, padding: 'same' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
    const shortcut = tf.layers.conv2d({ filters: 12, kernelSize: 1, strides: 2 }).apply(stem) as tf.SymbolicTensor;
    let y = tf.layers.add().apply([x, shortcut]) as tf.SymbolicTensor;
    y = tf.layers.activation({ activation: 'relu' }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.globalAveragePooling2d({}).apply(y) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 6, activation: 'softmax' }).apply(y) as tf.SymbolicTensor;
    await expectParity('ResNet block', tf.model({ inputs: input, outputs: output }));
  });

  /**
   * Frames [T, F] -> score per frame -> softmax over time -> weights x frames summed over time -> classes. tfjs's
   * softmax runs on the last axis only, so the [T, 1] scores are flattened to [T] for it and reshaped back.
   */
  function attentionPooling(sum: 'dot' | 'multiply'): tf.LayersModel {
    const input = tf.input({ shape: [24, 10] });
    const frames = tf.layers.conv1d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tf.SymbolicTensor;
    const hidden = tf.layers.dense({ units: 8, activation: 'tanh' }).apply(frames) as tf.SymbolicTensor;
    const scores = tf.layers.dense({ units: 1, useBias: false }).apply(hidden) as tf.SymbolicTensor; // [T, 1]
    const flatScores = tf.layers.flatten().apply(scores) as tf.SymbolicTensor; // [T]
    const timeWeights = tf.layers.activation({ activation: 'softmax' }).apply(flatScores) as tf.SymbolicTensor; // over time
    const weights = tf.layers.reshape({ targetShape: [24, 1] }).apply(timeWeights) as tf.SymbolicTensor; // [T, 1]
    let pooled: tf.SymbolicTensor;
    if (sum === 'dot') {
      const weighted = tf.layers.dot({ axes: 1 }).apply([weights, frames]) as tf.SymbolicTensor; // [1, F]
      pooled = tf.layers.flatten().apply(weighted) as tf.SymbolicTensor;
    } else {
      const weighted = tf.layers.multiply().apply([frames, weights]) as tf.SymbolicTensor; // [T, F]
      pooled = tf.layers.globalAveragePooling1d().apply(weighted) as tf.SymbolicTensor; // sum / T
    }
    const output = tf.layers.dense({ units: 5, activation: 'softmax' }).apply(pooled) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: output });
  }

  it('attention pooling: Dense score -> Softmax over time -> Dot weighted sum', async () => {
    await expectParity('Attention pooling (Dot)', attentionPooling('dot'));
  });

  it('attention pooling: Dense score -> Softmax over time -> Multiply + GlobalAveragePooling1D', async () => {
    await expectParity('Attention pooling (Multiply)', attentionPooling('multiply'));
  });

  it('a Sequential sub-model used as a layer, twice (shared weights)', async () => {
    const encoder = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [6], units: 6, activation: 'tanh' }), tf.layers.dense({ units: 6 })],
    });
    const input = tf.input({ shape: [6] });
    const twice = encoder.apply(encoder.apply(input) as tf.SymbolicTensor) as tf.SymbolicTensor;
    await expectParity('Nested Sequential x2', tf.model({ inputs: input, outputs: twice }));
  });
});

describe('ONNX export: the model file and the verification contract', () => {
  it('writes opset 13, producer "ser", the named input with a symbolic batch axis, and the named output', () => {
    const model = sequential([64, 64, 1], tf.layers.flatten(), tf.layers.dense({ units: 3, activation: 'softmax' }));
    const bytes = exportOnnx(model, { inputName: 'logmel', outputName: 'scores', producerVersion: '0.1.0' });
    const proto = onnx.ModelProto.decode(bytes);
    expect(proto.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 13]]);
    expect(Number(proto.irVersion)).toBe(7);
    expect(proto.producerName).toBe('ser');
    expect(proto.producerVersion).toBe('0.1.0');
    const input = proto.graph!.input![0]!;
    expect(input.name).toBe('logmel');
    expect(input.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 64, 64, 1]);
    expect(proto.graph!.output!.map((o) => o.name)).toEqual(['scores']);
    model.dispose();
  });

  it('opset 17 exports the same numbers', async () => {
    const model = sequential([9, 4], tf.layers.conv1d({ filters: 3, kernelSize: 3, padding: 'same' }), tf.layers.globalMaxPooling1d(), tf.layers.softmax());
    await expectParity('opset 17 conv1d', model, { opset: 17 });
  });

  it('inputShape may fix the sizes tfjs leaves open, and nothing else', async () => {
    const model = sequential([null, 40], tf.layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same' }), tf.layers.globalAveragePooling1d());
    const bytes = exportOnnx(model, { inputShape: [null, 50, 40] });
    const dims = onnx.ModelProto.decode(bytes).graph!.input![0]!.type!.tensorType!.shape!.dim!;
    expect(dims.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 50, 40]);
    // With the frame count open, 'same' padding becomes SAME_UPPER and still matches tfjs at any length.
    const open = exportOnnx(model);
    for (const frames of [7, 50]) {
      const x = tf.randomUniform([3, frames, 40], -1, 1, 'float32', 5);
      expect((await verifyOnnx(model, open, x)).maxAbsDiff).toBeLessThanOrEqual(TOLERANCE);
      x.dispose();
    }
    expect(() => exportOnnx(model, { inputShape: [null, 50, 41] })).toThrow(OnnxExportError);
    model.dispose();
  });

  it('verifyOnnx takes one Float32Array per sample', async () => {
    const model = sequential([3, 2], tf.layers.flatten(), tf.layers.dense({ units: 2 }));
    const bytes = exportOnnx(model);
    const rng = createRng(3);
    const samples = Array.from({ length: 10 }, () => Float32Array.from({ length: 6 }, () => rng.next()));
    const result = await verifyOnnx(model, bytes, samples);
    expect(result).toMatchObject({ passed: true, samples: 10, tolerance: 1e-4 });
    await expect(verifyOnnx(model, bytes, [new Float32Array(5)])).rejects.toThrow(/sample 0 has 5 values/);
    model.dispose();
  });

  it('verifyOnnx reports a mismatch, and exportVerified refuses it with OnnxExportError', async () => {
    const model = sequential([4], tf.layers.dense({ units: 3 }));
    const other = sequential([4], tf.layers.dense({ units: 3 }));
    randomizeWeights(model, 1);
    randomizeWeights(other, 2);
    const x = randomInputs(model, 3, 10);
    const wrong = await verifyOnnx(model, exportOnnx(other), x);
    expect(wrong.passed).toBe(false);
    expect(wrong.maxAbsDiff).toBeGreaterThan(1e-2);
    await expect(exportVerified(model, x, { tolerance: -1 })).rejects.toThrow(OnnxExportError);
    await expect(exportVerified(model, x, { tolerance: -1 })).rejects.toThrow(/differs from tfjs by up to/);
    tf.dispose([x]);
    model.dispose();
    other.dispose();
  });

  it.each([
    ['LSTM', () => tf.layers.lstm({ units: 4 })],
    ['GRU', () => tf.layers.gru({ units: 4 })],
  ])('an unsupported %s layer throws OnnxExportError naming it and the way out', (className, make) => {
    const model = sequential([10, 3], make(), tf.layers.dense({ units: 2 }));
    let error: unknown;
    try {
      exportOnnx(model);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OnnxExportError);
    expect((error as OnnxExportError).layerClass).toBe(className);
    expect((error as OnnxExportError).message).toMatch(new RegExp(`\\(${className}\\): recurrent layers are not exported.*attention pooling`));
    model.dispose();
  });

  it('other unsupported layers and a channels-first conv throw OnnxExportError with the fix', () => {
    const channelsFirst = sequential([2, 8, 8], tf.layers.conv2d({ filters: 2, kernelSize: 3, dataFormat: 'channelsFirst' }));
    expect(() => exportOnnx(channelsFirst)).toThrow(/\(Conv2D\): dataFormat "channelsFirst" is not exported; build the model with dataFormat "channelsLast"/);
    channelsFirst.dispose();
    const upsample = sequential([4, 4, 2], tf.layers.upSampling2d({ size: [2, 2] }));
    expect(() => exportOnnx(upsample)).toThrow(/UpSampling2D\): has no ONNX converter; rebuild the model from exportable layers/);
    upsample.dispose();
  });
});
