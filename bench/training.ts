// CNN training speed: the reference 2-D CNN (128 x 128 x 1 log-mel patches; conv 32/64/128 3x3 same relu, each
// followed by 2x2 max pooling; global average pooling; dense 7 softmax), batch 32, Adam, categorical cross-entropy,
// model.trainOnBatch. Our 'ser-native' backend (@ser/native's C++ kernels) against stock TensorFlow.js wasm and cpu,
// measured in the same run. wasm and cpu are slow, so they time fewer batches, and cpu smaller ones: its JS kernels
// take about 40 s per sample here (a batch of 32 would take 20 minutes); samples/s is per sample either way.
import { DEEP_ARCHITECTURES, NATIVE_BACKEND, architectureInput, buildArchitecture, ensureTrainingKernels, registerNativeBackend, tf, trainModel } from '@ser/training';
import { table } from './timing.js';

const BATCH = 32;
const SIDE = 128;
const CLASSES = 7;

export function referenceCnn(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [SIDE, SIDE, 1], filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 128, kernelSize: 3, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.globalAveragePooling2d({}));
  m.add(tf.layers.dense({ units: CLASSES, activation: 'softmax' }));
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return m;
}

interface Result {
  backend: string;
  batch: number;
  batches: number;
  msPerBatch: number;
  samplesPerSecond: number;
  loss: number;
}

/** One warm-up batch, then `batches` timed ones (median); a fresh model and data on each backend. */
async function measure(backend: string, batches: number, batch = BATCH): Promise<Result | null> {
  try {
    if (!(await tf.setBackend(backend))) return null;
    await tf.ready();
  } catch {
    return null;
  }
  ensureTrainingKernels(backend);
  const model = referenceCnn();
  const x = tf.randomNormal([batch, SIDE, SIDE, 1], 0, 1, 'float32', 1);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % CLASSES), 'int32'), CLASSES));
  let loss = (await model.trainOnBatch(x, y)) as number;
  const times: number[] = [];
  for (let i = 0; i < batches; i++) {
    const t0 = performance.now();
    loss = (await model.trainOnBatch(x, y)) as number;
    times.push(performance.now() - t0);
  }
  model.dispose();
  x.dispose();
  y.dispose();
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)]!;
  const r = { backend, batch, batches, msPerBatch: ms, samplesPerSecond: (batch * 1000) / ms, loss };
  console.log(`${backend}: batch ${batch}, ${batches} timed, ${ms.toFixed(0)} ms/batch, ${r.samplesPerSecond.toFixed(2)} samples/s`);
  return r;
}

export async function run(): Promise<void> {
  const nativeOk = registerNativeBackend();
  const plan: [string, number, number][] = [
    // 15 batches take ~3 s: a median that one slow moment of a shared machine does not move.
    [NATIVE_BACKEND, Number(process.env['SER_BENCH_NATIVE_BATCHES'] ?? 15), BATCH],
    ['wasm', 2, BATCH],
    ['cpu', 1, 2],
  ];
  const results: Result[] = [];
  for (const [backend, batches, batch] of plan) {
    if (backend === NATIVE_BACKEND && !nativeOk) {
      console.log(`${backend}: unavailable (@ser/native did not load)`);
      continue;
    }
    const r = await measure(backend, batches, batch);
    if (r === null) console.log(`${backend}: could not be initialised`);
    else results.push(r);
  }
  const wasm = results.find((r) => r.backend === 'wasm');
  const cpu = results.find((r) => r.backend === 'cpu');
  console.log(`reference CNN 128x128x1 -> conv32/64/128 + maxpool -> GAP -> dense ${CLASSES}; batch ${BATCH}, Adam, trainOnBatch`);
  console.log(
    table(
      ['backend', 'batch', 'timed batches', 'ms/batch (median)', 'samples/s', 'vs wasm', 'vs cpu'],
      results.map((r) => [
        r.backend,
        r.batch,
        r.batches,
        r.msPerBatch.toFixed(0),
        r.samplesPerSecond.toFixed(2),
        wasm ? (r.samplesPerSecond / wasm.samplesPerSecond).toFixed(1) : '-',
        cpu ? (r.samplesPerSecond / cpu.samplesPerSecond).toFixed(0) : '-',
      ]),
    ),
  );
  if (nativeOk) await architectures();
  await tf.setBackend(nativeOk ? NATIVE_BACKEND : 'cpu');
}

/**
 * Training throughput of our own architectures on ser-native, through the training loop `ser train` uses (batch 32,
 * Adam, class weights, L2, dropout; SpecAugment off so only the network is timed): one epoch over `n` examples
 * (log-mel windows of 128 frames x 128 bands, or classic193 rows). The reference CNN above is the same-run baseline.
 */
async function architectures(): Promise<void> {
  await tf.setBackend(NATIVE_BACKEND);
  const rows: (string | number)[][] = [];
  for (const arch of DEEP_ARCHITECTURES) {
    const logmel = architectureInput(arch) === 'logmel';
    const shape = logmel ? [SIDE, SIDE, 1] : [193];
    const n = logmel ? 128 : 4096;
    const size = shape.reduce((a, b) => a * b, 1);
    const x = Array.from({ length: n }, (_, i) => Float32Array.from({ length: size }, (_, j) => Math.sin(i * 0.37 + j * 0.011)));
    const y = x.map((_, i) => i % CLASSES);
    const model = buildArchitecture(arch, { inputShape: shape, nClasses: CLASSES, seed: 1 });
    await trainModel(model, { x: x.slice(0, 32), y: y.slice(0, 32), nClasses: CLASSES }, { epochs: 1, specAugment: false });
    const t0 = performance.now();
    await trainModel(model, { x, y, nClasses: CLASSES }, { epochs: 1, specAugment: false, seed: 2 });
    const seconds = (performance.now() - t0) / 1000;
    rows.push([arch, logmel ? 'log-mel 128x128' : 'classic193', model.countParams(), n, (n / seconds).toFixed(1)]);
    model.dispose();
  }
  console.log('our architectures on ser-native, one epoch of the training loop (batch 32)');
  console.log(table(['architecture', 'input', 'parameters', 'examples', 'examples/s'], rows));
}
