/**
 * The Live page's worker: the model (onnxruntime-web + the TypeScript feature engine), the voice gate and the level
 * meter run here, so feature extraction and inference never block the page. Audio arrives from the capture worklet
 * on its own MessagePort and never leaves the browser.
 */
import type { EmotionModelCore } from '@ser/core/browser';
import * as ort from 'onnxruntime-web/wasm';
import type { LiveCommand, LiveEvent } from './live-protocol';
import { LiveStream } from './live-stream';
import { loadModel } from './load-model';

/** The part of DedicatedWorkerGlobalScope used here (the project's TypeScript lib is the DOM's, not the worker's). */
interface WorkerScope {
  postMessage(event: LiveEvent): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<LiveCommand>) => void): void;
}
const scope = globalThis as unknown as WorkerScope;
const post = (event: LiveEvent) => scope.postMessage(event);

/** Settles to undefined when loading failed (the error is already posted); a later `load` tries again. */
let model: Promise<EmotionModelCore | undefined> | undefined;
let stream: { live: LiveStream; audio: MessagePort } | undefined;
/** Counts start and stop commands: a start still waiting for the model is void once another command came. */
let generation = 0;

function load(modelUrl: string, wasmPaths: string): void {
  model ??= loadModel(ort, modelUrl, wasmPaths).then(
    (core) => {
      post({ type: 'loaded', model: core.card.name, labels: core.labels, sampleRate: core.card.input.sampleRate });
      return core;
    },
    (err: unknown) => {
      post({ type: 'error', stage: 'model', message: err instanceof Error ? err.message : String(err) });
      model = undefined;
      return undefined;
    },
  );
}

function stop(): void {
  generation++;
  if (!stream) return;
  stream.live.close();
  stream.audio.onmessage = null;
  stream.audio.close();
  stream = undefined;
}

async function start(sampleRate: number, audio: MessagePort): Promise<void> {
  stop();
  const mine = generation;
  const core = await model;
  if (mine !== generation) {
    audio.close();
    return;
  }
  if (!core) {
    audio.close();
    post({ type: 'error', stage: 'model', message: 'no model is loaded: press Start again to retry loading it' });
    return;
  }
  const rate = core.card.input.sampleRate;
  const live = new LiveStream({
    inputRate: sampleRate,
    modelRate: rate,
    classify: (samples) => core.predict({ samples, sampleRate: rate }),
    onLevel: (level) => post({ type: 'level', ...level }),
    onPrediction: (prediction) => post({ type: 'prediction', ...prediction }),
    onError: (message) => post({ type: 'error', stage: 'inference', message }),
  });
  audio.onmessage = (e: MessageEvent<Float32Array>) => live.push(e.data);
  stream = { live, audio };
}

scope.addEventListener('message', (e) => {
  const command = e.data;
  if (command.type === 'load') load(command.modelUrl, command.wasmPaths);
  else if (command.type === 'start') void start(command.sampleRate, command.audio);
  else stop();
});
