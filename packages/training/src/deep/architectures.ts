/**
 * The deep architectures, built only from layers the ONNX exporter converts (see onnx/converters/index.ts):
 * Dense, Conv1D/2D, BatchNormalization on the last axis (tfjs 4.22 computes other axes wrongly), pooling, Dropout,
 * Reshape, Flatten, Activation, Add, Dot. Every initialiser takes a seed derived from the model's seed, so a model
 * is the same for the same seed.
 */
import { TrainingError } from '../classifier.js';
import { tf } from '../tf-backend.js';

export const DEEP_ARCHITECTURES = ['dnn', 'cnn1d', 'vgg2d', 'resatt2d'] as const;
export type DeepArchitecture = (typeof DEEP_ARCHITECTURES)[number];

export const ARCHITECTURE_DESCRIPTIONS: Record<DeepArchitecture, string> = {
  dnn: 'feed-forward network on the utterance vector (Dense-BN-ReLU-Dropout blocks)',
  cnn1d: '1-D CNN on the utterance vector as a sequence of values',
  vgg2d: 'compact VGG-style 2-D CNN on log-mel windows',
  resatt2d: 'residual 2-D CNN with attention pooling over time on log-mel windows',
};

/** Which input an architecture takes: classic193 rows, or log-mel windows [frames, bands, 1]. */
export function architectureInput(arch: DeepArchitecture): 'rows' | 'logmel' {
  return arch === 'dnn' || arch === 'cnn1d' ? 'rows' : 'logmel';
}

export function isDeepArchitecture(x: string): x is DeepArchitecture {
  return (DEEP_ARCHITECTURES as readonly string[]).includes(x);
}

export interface ArchitectureOptions {
  /** Input shape without the batch axis: [193] for the row models, [frames, bands, 1] for the log-mel ones. */
  inputShape: number[];
  nClasses: number;
  seed?: number;
  /** Dropout rate before the classifier head (and between dense layers). Default 0.3 (dnn, cnn1d), 0.4 (2-D). */
  dropout?: number;
  /**
   * Widths: dnn hidden units (default [256, 128]); cnn1d filters per conv block (default [32, 64, 128]);
   * vgg2d filters per block (default [16, 32, 64, 128]); resatt2d filters per residual stage (default [16, 32, 64]).
   */
  widths?: number[];
  /** cnn1d: units of the dense layer after the flattened convolutions. Default 64. */
  denseUnits?: number;
  /** vgg2d: convolutions per block before its pooling. Default 1 (compact: 99k weights, ~12 windows/s training on
   * the ser-native backend, 2 convolutions per block: 296k weights, ~5 windows/s). */
  convsPerBlock?: number;
}

/**
 * Seeded initialisers: each call gives the next seed of the model. Never 0: tfjs reads a seed of 0 as "no seed" and
 * draws from Math.random, which would make runs unrepeatable.
 */
class Seeds {
  #next: number;
  constructor(seed: number) {
    this.#next = (seed * 1000) >>> 0;
  }
  #take(): number {
    return (this.#next++ >>> 0) || 0x9e3779b1;
  }
  he(): ReturnType<typeof tf.initializers.heNormal> {
    return tf.initializers.heNormal({ seed: this.#take() });
  }
  glorot(): ReturnType<typeof tf.initializers.heNormal> {
    return tf.initializers.glorotUniform({ seed: this.#take() });
  }
}

/** Moving-average momentum of BatchNormalization: 0.9 (not Keras's 0.99) so its statistics settle within the few
 * hundred steps a small corpus gives. */
const BN_MOMENTUM = 0.9;

type T = tf.SymbolicTensor;

/** Every layer applied while building one network, in order: how an ensemble finds each member's counterpart. */
class LayerLog {
  readonly layers: tf.layers.Layer[] = [];
  apply(layer: tf.layers.Layer, x: T | T[]): T {
    this.layers.push(layer);
    return layer.apply(x) as T;
  }
}

function head(b: LayerLog, x: T, nClasses: number, dropout: number, seeds: Seeds): T {
  const dropped = dropout > 0 ? b.apply(tf.layers.dropout({ rate: dropout }), x) : x;
  return b.apply(tf.layers.dense({ units: nClasses, activation: 'softmax', kernelInitializer: seeds.glorot() }), dropped);
}

function bnRelu(b: LayerLog, x: T): T {
  return b.apply(tf.layers.activation({ activation: 'relu' }), b.apply(tf.layers.batchNormalization({ axis: -1, momentum: BN_MOMENTUM }), x));
}

/** The layers of each model buildArchitecture made, in the order they were applied (the model's own list is sorted
 * by depth, which for branching networks is another order). */
const BUILT_LAYERS = new WeakMap<tf.LayersModel, tf.layers.Layer[]>();

/** Builds an untrained model of `arch`. */
export function buildArchitecture(arch: DeepArchitecture, options: ArchitectureOptions): tf.LayersModel {
  const input = tf.input({ shape: options.inputShape });
  const log = new LayerLog();
  const model = tf.model({ inputs: input, outputs: network(arch, input, options, log), name: arch });
  BUILT_LAYERS.set(model, log.layers);
  return model;
}

/**
 * One model that averages the class probabilities of trained members of the same architecture and options: each
 * member's network is rebuilt on a shared input with the member's weights, and an Average layer joins them, so the
 * ensemble exports to ONNX as one graph.
 */
export function buildEnsemble(arch: DeepArchitecture, options: ArchitectureOptions, members: tf.LayersModel[]): tf.LayersModel {
  if (members.length < 2) throw new TrainingError(`${arch}: an ensemble needs at least two members, got ${members.length}`);
  const input = tf.input({ shape: options.inputShape });
  const outputs = members.map((member, m) => {
    const log = new LayerLog();
    const output = network(arch, input, options, log);
    const trained = BUILT_LAYERS.get(member);
    if (!trained) throw new TrainingError(`${arch}: ensemble member ${m + 1} was not made by buildArchitecture`);
    if (trained.length !== log.layers.length || trained.some((l, i) => l.getClassName() !== log.layers[i]!.getClassName())) {
      throw new TrainingError(`${arch}: ensemble member ${m + 1} does not have the layers of the architecture with these options`);
    }
    log.layers.forEach((layer, i) => layer.setWeights(trained[i]!.getWeights()));
    return output;
  });
  return tf.model({ inputs: input, outputs: tf.layers.average().apply(outputs) as T, name: `${arch}_ensemble` });
}

function network(arch: DeepArchitecture, input: T, options: ArchitectureOptions, b: LayerLog): T {
  const seeds = new Seeds(options.seed ?? 0);
  const { inputShape, nClasses } = options;
  if (!Number.isInteger(nClasses) || nClasses < 2) throw new TrainingError(`${arch}: nClasses must be at least 2, got ${nClasses}`);
  const twoD = architectureInput(arch) === 'logmel';
  if (twoD ? inputShape.length !== 3 || inputShape[2] !== 1 : inputShape.length !== 1) {
    throw new TrainingError(`${arch}: input shape [${inputShape.join(', ')}] should be ${twoD ? '[frames, bands, 1]' : '[features]'}`);
  }
  const dropout = options.dropout ?? (twoD ? 0.4 : 0.3);
  let x: T = input;
  switch (arch) {
    case 'dnn': {
      for (const units of options.widths ?? [256, 128]) {
        x = bnRelu(b, b.apply(tf.layers.dense({ units, kernelInitializer: seeds.he(), useBias: false }), x));
        x = b.apply(tf.layers.dropout({ rate: dropout }), x);
      }
      x = head(b, x, nClasses, 0, seeds);
      break;
    }
    case 'cnn1d': {
      x = b.apply(tf.layers.reshape({ targetShape: [inputShape[0]!, 1] }), x);
      const widths = options.widths ?? [32, 64, 128];
      widths.forEach((filters, i) => {
        x = bnRelu(b, b.apply(tf.layers.conv1d({ filters, kernelSize: i === 0 ? 7 : 5, padding: 'same', kernelInitializer: seeds.he(), useBias: false }), x));
        x = b.apply(tf.layers.maxPooling1d({ poolSize: 2 }), x);
      });
      // Flatten, not global pooling: where a value sits in the 193 vector (MFCC, chroma, mel, ...) is its meaning.
      x = b.apply(tf.layers.flatten(), x);
      x = b.apply(tf.layers.dropout({ rate: dropout }), x);
      x = b.apply(tf.layers.dense({ units: options.denseUnits ?? 64, activation: 'relu', kernelInitializer: seeds.he() }), x);
      x = head(b, x, nClasses, dropout, seeds);
      break;
    }
    case 'vgg2d': {
      const perBlock = options.convsPerBlock ?? 1;
      for (const filters of options.widths ?? [16, 32, 64, 128]) {
        for (let c = 0; c < perBlock; c++) {
          x = bnRelu(b, b.apply(tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', kernelInitializer: seeds.he(), useBias: false }), x));
        }
        x = b.apply(tf.layers.maxPooling2d({ poolSize: 2 }), x);
      }
      x = b.apply(tf.layers.globalAveragePooling2d({}), x);
      x = head(b, x, nClasses, dropout, seeds);
      break;
    }
    case 'resatt2d': {
      // Stem: conv + pooling, so the residual stages run at half resolution (a quarter of the cost).
      x = bnRelu(b, b.apply(tf.layers.conv2d({ filters: (options.widths ?? [16])[0]!, kernelSize: 3, padding: 'same', kernelInitializer: seeds.he(), useBias: false }), x));
      x = b.apply(tf.layers.maxPooling2d({ poolSize: 2 }), x);
      for (const filters of options.widths ?? [16, 32, 64]) {
        const inChannels = (x.shape[3] as number) ?? 0;
        let y = bnRelu(b, b.apply(tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', kernelInitializer: seeds.he(), useBias: false }), x));
        y = b.apply(tf.layers.batchNormalization({ axis: -1, momentum: BN_MOMENTUM }), b.apply(tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', kernelInitializer: seeds.he(), useBias: false }), y));
        const shortcut = inChannels === filters ? x : b.apply(tf.layers.batchNormalization({ axis: -1, momentum: BN_MOMENTUM }), b.apply(tf.layers.conv2d({ filters, kernelSize: 1, kernelInitializer: seeds.he(), useBias: false }), x));
        x = b.apply(tf.layers.activation({ activation: 'relu' }), b.apply(tf.layers.add(), [y, shortcut]));
        x = b.apply(tf.layers.maxPooling2d({ poolSize: 2 }), x);
      }
      const [, frames, bands, channels] = x.shape as [null, number, number, number];
      if (frames < 1 || bands < 1) throw new TrainingError(`resatt2d: input [${inputShape.join(', ')}] is too small for ${(options.widths ?? [16, 32, 64]).length + 1} pooling stages`);
      // Average over frequency -> [frames, channels]: one feature vector per time step.
      x = b.apply(tf.layers.averagePooling2d({ poolSize: [1, bands], strides: [1, bands] }), x);
      const seq = b.apply(tf.layers.reshape({ targetShape: [frames, channels] }), x);
      // Attention pooling over time: score per step -> softmax over time -> weighted sum (Dot over the time axis).
      const hidden = b.apply(tf.layers.dense({ units: Math.max(8, channels >> 1), activation: 'tanh', kernelInitializer: seeds.glorot() }), seq);
      const scores = b.apply(tf.layers.dense({ units: 1, useBias: false, kernelInitializer: seeds.glorot() }), hidden);
      const flatScores = b.apply(tf.layers.flatten(), scores);
      const timeWeights = b.apply(tf.layers.activation({ activation: 'softmax' }), flatScores);
      const weights = b.apply(tf.layers.reshape({ targetShape: [frames, 1] }), timeWeights);
      const pooled = b.apply(tf.layers.flatten(), b.apply(tf.layers.dot({ axes: 1 }), [weights, seq]));
      x = head(b, pooled, nClasses, dropout, seeds);
      break;
    }
    default:
      throw new TrainingError(`unknown architecture "${String(arch)}"; use one of ${DEEP_ARCHITECTURES.join(', ')}`);
  }
  return x;
}
