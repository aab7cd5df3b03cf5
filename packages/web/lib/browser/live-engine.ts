import { LiveError } from './live-errors';
import type { LiveCommand, LiveEvent } from './live-protocol';
import { openMicrophone, type MicrophoneCapture } from './microphone';

/** The model the worker opened. */
export interface LiveModelInfo {
  model: string;
  labels: string[];
  sampleRate: number;
}

/**
 * The Live page's machinery, off React: the inference worker (created on the first Start, so merely visiting the page
 * downloads no model), the microphone, and the channel between them. Audio goes microphone -> capture worklet ->
 * worker without touching this thread; only levels and predictions come back, to `onEvent`.
 */
export class LiveEngine {
  readonly #modelUrl: string;
  readonly #onEvent: (event: LiveEvent) => void;
  #worker: Worker | undefined;
  #model: Promise<LiveModelInfo> | undefined;
  #pendingModel: { resolve: (info: LiveModelInfo) => void; reject: (err: LiveError) => void } | undefined;
  #mic: MicrophoneCapture | undefined;
  /** Counts starts and stops, so a start still awaiting the microphone or model is abandoned by a later stop. */
  #generation = 0;

  /** `modelUrl`: the model folder's URL on this origin, e.g. "/api/models/default". */
  constructor(modelUrl: string, onEvent: (event: LiveEvent) => void) {
    this.#modelUrl = modelUrl;
    this.#onEvent = onEvent;
  }

  /**
   * Opens the microphone (asking permission) while the model loads, then starts the stream. Resolves with the model
   * once audio flows, or with undefined when `stop` came first; rejects with a LiveError.
   */
  async start(): Promise<LiveModelInfo | undefined> {
    await this.stop();
    const mine = ++this.#generation;
    const model = this.#loadModel();
    // Settled below; until then a failure must not count as unhandled.
    model.catch(() => undefined);
    const mic = await openMicrophone();
    if (mine !== this.#generation) {
      await mic.close();
      return undefined;
    }
    this.#mic = mic;
    let info: LiveModelInfo;
    try {
      info = await model;
    } catch (err) {
      await this.stop();
      throw err;
    }
    if (mine !== this.#generation) return undefined;
    const channel = new MessageChannel();
    mic.sendTo(channel.port1);
    this.#post({ type: 'start', sampleRate: mic.sampleRate, audio: channel.port2 }, [channel.port2]);
    return info;
  }

  /** Stops listening and releases the microphone; the model stays loaded for the next start. */
  async stop(): Promise<void> {
    this.#generation++;
    if (this.#worker) this.#post({ type: 'stop' });
    const mic = this.#mic;
    this.#mic = undefined;
    await mic?.close();
  }

  /** Stops and ends the worker; the engine cannot start again. */
  async dispose(): Promise<void> {
    await this.stop();
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#pendingModel?.reject(new LiveError('model', 'the page was closed while the model was loading'));
    this.#pendingModel = undefined;
  }

  #loadModel(): Promise<LiveModelInfo> {
    if (this.#model) return this.#model;
    const model = new Promise<LiveModelInfo>((resolve, reject) => {
      this.#pendingModel = { resolve, reject };
    });
    this.#model = model;
    // A failed load is forgotten, so the next start tries again (the server may have been restarted meanwhile).
    model.catch(() => {
      if (this.#model === model) this.#model = undefined;
    });
    // Absolute URLs: the worker may run from a blob: URL, against which a path does not resolve.
    const origin = window.location.href;
    this.#post({ type: 'load', modelUrl: new URL(this.#modelUrl, origin).href, wasmPaths: new URL('/ort/', origin).href });
    return model;
  }

  #post(command: LiveCommand, transfer: Transferable[] = []): void {
    this.#worker ??= this.#createWorker();
    this.#worker.postMessage(command, transfer);
  }

  #createWorker(): Worker {
    const worker = new Worker(new URL('./inference-worker.ts', import.meta.url), { type: 'module', name: 'ser-live-inference' });
    worker.addEventListener('message', (e: MessageEvent<LiveEvent>) => {
      const event = e.data;
      if (event.type === 'loaded') {
        this.#pendingModel?.resolve({ model: event.model, labels: event.labels, sampleRate: event.sampleRate });
        this.#pendingModel = undefined;
      } else if (event.type === 'error' && event.stage === 'model' && this.#pendingModel) {
        this.#pendingModel.reject(new LiveError('model', `The emotion model could not be loaded: ${event.message}`));
        this.#pendingModel = undefined;
        return;
      }
      this.#onEvent(event);
    });
    worker.addEventListener('error', (e) => {
      // The worker script itself failed (a network or bundling problem): nothing in it can report.
      const err = new LiveError('model', `The inference worker failed to start (${e.message || 'no details'}); reload the page.`);
      if (this.#pendingModel) this.#pendingModel.reject(err);
      else this.#onEvent({ type: 'error', stage: 'model', message: err.message });
      this.#pendingModel = undefined;
    });
    return worker;
  }
}
