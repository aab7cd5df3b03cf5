/**
 * Sliding-window segments for emotions over time: a long recording is cut into windows of `window` seconds every
 * `hop` seconds and each window is classified on its own.
 */
import { ModelError } from './card.js';

export interface SegmentOptions {
  /** Window length in seconds (default 3). */
  window?: number;
  /** Step between window starts in seconds (default 1). */
  hop?: number;
}

/** One segment of a recording, in samples. */
export interface SegmentBounds {
  start: number;
  end: number;
}

export const DEFAULT_SEGMENT_WINDOW = 3;
export const DEFAULT_SEGMENT_HOP = 1;

/** The options with defaults filled in; a window or hop that is not a positive number throws ModelError. */
export function resolveSegmentOptions(options: SegmentOptions = {}): Required<SegmentOptions> {
  const window = options.window ?? DEFAULT_SEGMENT_WINDOW;
  const hop = options.hop ?? DEFAULT_SEGMENT_HOP;
  if (!(Number.isFinite(window) && window > 0)) throw new ModelError(`the segment window must be a positive number of seconds, got ${window}`);
  if (!(Number.isFinite(hop) && hop > 0)) throw new ModelError(`the segment hop must be a positive number of seconds, got ${hop}`);
  return { window, hop };
}

/**
 * Segment bounds for `length` samples at `rate`: starts at 0, hop, 2 hop, ... while a whole window fits, plus one
 * window aligned to the end when the regular ones leave a tail uncovered, so every sample belongs to a segment. A
 * recording shorter than one window is one segment.
 */
export function segmentBounds(length: number, rate: number, options: SegmentOptions = {}): SegmentBounds[] {
  const { window, hop } = resolveSegmentOptions(options);
  const win = Math.max(1, Math.round(window * rate));
  const step = Math.max(1, Math.round(hop * rate));
  if (length <= win) return [{ start: 0, end: length }];
  const out: SegmentBounds[] = [];
  let start = 0;
  for (; start + win <= length; start += step) out.push({ start, end: start + win });
  const lastEnd = out[out.length - 1]!.end;
  if (lastEnd < length) out.push({ start: length - win, end: length });
  return out;
}
