/**
 * The JSON the dashboard's API routes answer with, shared by the routes (server) and the pages (browser). A predict
 * result is exactly a line of `ser predict --json` (plus `duration` and `segments` when asked for).
 */

/** One sliding window of a recording (seconds) and its own prediction. */
export interface SegmentResult {
  start: number;
  end: number;
  label: string;
  scores: Record<string, number>;
}

/** POST /api/predict: the same object as a line of `ser predict --json`. */
export interface PredictResult {
  file: string;
  label: string;
  scores: Record<string, number>;
  /** Seconds of audio; with `?segments=1`. */
  duration?: number;
  /** With `?segments=1` (3 s windows every 1 s). */
  segments?: SegmentResult[];
}

/** POST /api/analyse: everything the Analyse page draws, computed once on the server. */
export interface AnalyseResult extends PredictResult {
  duration: number;
  segments: SegmentResult[];
  /** The model's labels in output order (bars and legend order). */
  labels: string[];
  /** The model folder's name, e.g. "default". */
  model: string;
  /** Peak envelope of the waveform at the card's rate: `columns` pairs of min and max, each in [-1, 1]. */
  waveform: { columns: number; min: number[]; max: number[] };
  /**
   * The log-mel spectrogram the models see (128 bands), scaled to bytes: value 0 = `minDb`, 255 = `maxDb`.
   * `data` is base64 of `bands x frames` bytes, band-major, band 0 the lowest frequency; a frame every `hopSeconds`.
   */
  spectrogram: { bands: number; frames: number; hopSeconds: number; minDb: number; maxDb: number; data: string };
}

/** POST /api/batch: one entry per file (or zip member), in upload order. */
export interface BatchResult {
  labels: string[];
  results: (PredictResult | { file: string; error: string })[];
}

/** Every error answer: a status 4xx/5xx and one sentence saying what was wrong and what to do. */
export interface ApiError {
  error: string;
}
