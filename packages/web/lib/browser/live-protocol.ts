/**
 * The messages between the Live page (main thread) and its inference worker. Audio itself never passes through
 * the main thread: the capture worklet posts its chunks straight to the worker over a MessagePort given in `start`.
 */

/** Main thread -> worker. */
export type LiveCommand =
  /** Fetch the model from this origin and open it. URLs are absolute: a bundler may start the worker from a blob: URL, against which a path cannot resolve. */
  | { type: 'load'; modelUrl: string; wasmPaths: string }
  /** A new stream: chunks of mono Float32Array samples at `sampleRate` arrive on `audio`. */
  | { type: 'start'; sampleRate: number; audio: MessagePort }
  | { type: 'stop' };

/** One tick of the stream: every second of audio, the emotion of the last few seconds, or silence. */
export interface LivePrediction {
  /** Seconds of audio since Start, at the end of the analysed window. */
  time: number;
  /** The winning emotion; null when the voice gate heard no speech during the last second (nothing was classified). */
  label: string | null;
  /** One probability per model label (summing to 1); null with `label`. */
  scores: Record<string, number> | null;
  /** Loudest frame of the last second, dBFS. */
  level: number;
  /** Whether the voice gate was open long enough during the last second to classify it. */
  voiced: boolean;
}

/** The input level and voice gate right now, a few times a second for the meter. */
export interface LiveLevel {
  time: number;
  /** Loudest frame since the previous report, dBFS (RMS of a full-scale sine = -3 dBFS). */
  db: number;
  /** The gate's adaptive noise floor, dBFS. */
  floorDb: number;
  voiced: boolean;
}

/** Worker -> main thread. */
export type LiveEvent =
  | { type: 'loaded'; model: string; labels: string[]; sampleRate: number }
  | ({ type: 'level' } & LiveLevel)
  | ({ type: 'prediction' } & LivePrediction)
  /** `model`: loading failed (nothing will predict); `inference`: one prediction failed, the stream goes on. */
  | { type: 'error'; stage: 'model' | 'inference'; message: string };
