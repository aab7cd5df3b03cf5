/**
 * Fixed-length windows over a log-mel matrix: how CNNs see utterances of any length. Training and inference cut
 * windows with this one function, so a model meets at inference exactly the layout it was trained on.
 */
import { FeatureError } from '../errors.js';
import type { Matrix } from '@ser/native/types';

export interface WindowSpec {
  /** Frames per window (the CNN's time axis). */
  frames: number;
  /** Frames between window starts. */
  hop: number;
}

/**
 * Cuts a `bands x frames` matrix (librosa's orientation) into windows laid out time-major, `frames x bands`, i.e. one
 * NHWC image of height `frames`, width `bands`, one channel: `window[t * bands + b]`.
 * Windows start every `hop` frames; a last window is aligned to the end so no frame is left out. An utterance shorter
 * than one window gives one window, padded at the end with the matrix's minimum (log-mel's silence floor).
 */
export function cutWindows(m: Matrix, spec: WindowSpec): Float32Array[] {
  const { frames, hop } = spec;
  if (!Number.isInteger(frames) || frames < 1 || !Number.isInteger(hop) || hop < 1) {
    throw new FeatureError(`cutWindows: frames and hop must be positive integers, got ${frames} and ${hop}`);
  }
  const bands = m.rows;
  const total = m.cols;
  if (bands < 1 || total < 1 || m.data.length !== bands * total) {
    throw new FeatureError(`cutWindows: matrix of ${bands} x ${total} holds ${m.data.length} values`);
  }
  const starts: number[] = [];
  if (total <= frames) {
    starts.push(0);
  } else {
    for (let s = 0; s + frames <= total; s += hop) starts.push(s);
    if (starts[starts.length - 1]! + frames < total) starts.push(total - frames);
  }
  let floor = Infinity;
  if (total < frames) for (const v of m.data) floor = Math.min(floor, v);
  return starts.map((s) => {
    const w = new Float32Array(frames * bands);
    for (let t = 0; t < frames; t++) {
      const c = s + t;
      for (let b = 0; b < bands; b++) w[t * bands + b] = c < total ? m.data[b * total + c]! : floor;
    }
    return w;
  });
}
