/**
 * Entry of the analysis worker thread: decoding, features and onnxruntime run here so the Ink UI keeps drawing and
 * reading keys while a file is analysed. Jobs run one at a time in arrival order; a cancelled job still waiting is
 * dropped (one already running finishes, and the UI discards its result, or the UI restarts the worker).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AnalysisSession, toAnalysisError } from './analysis-session.js';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-protocol.js';

if (!parentPort) throw new Error('analysis-worker.js runs as a worker thread of `ser ui`, not on its own');
const port = parentPort;
const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const setup = workerData as WorkerSetup;
const session = new AnalysisSession({
  engine: setup.engine,
  ...(setup.model !== undefined ? { model: setup.model } : {}),
  onWarning: (message) => post({ type: 'warning', message }),
});
session.modelInfo().then(
  (info) => post({ type: 'model', ok: true, info }),
  (err: unknown) => post({ type: 'model', ok: false, message: toAnalysisError(err).message }),
);

const queue: Extract<ToWorker, { type: 'job' }>[] = [];
let busy = false;

async function drain(): Promise<void> {
  if (busy) return;
  busy = true;
  try {
    for (let job = queue.shift(); job; job = queue.shift()) {
      post({ type: 'started', id: job.id });
      try {
        if (job.kind === 'analyze') {
          const analysis = await session.analyze(job.file);
          // The big arrays move to the UI thread instead of being copied.
          const buffers = [analysis.envelope.min.buffer, analysis.envelope.max.buffer, analysis.spectrogram.data.buffer] as ArrayBuffer[];
          post({ type: 'analysis', id: job.id, analysis }, buffers);
        } else {
          post({ type: 'classification', id: job.id, classification: await session.classify(job.file) });
        }
      } catch (err) {
        const e = toAnalysisError(err);
        post({ type: 'failed', id: job.id, kind: e.kind, message: e.message });
      }
    }
  } finally {
    busy = false;
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') {
    const at = queue.findIndex((j) => j.id === message.id);
    if (at >= 0) queue.splice(at, 1);
    return;
  }
  queue.push(message);
  void drain();
});
