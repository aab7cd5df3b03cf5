/**
 * The pictures of a recording, reduced on the server to what a screen can show: a peak envelope of about 1200
 * columns and a log-mel spectrogram of at most ~1500 frames as bytes. A 10-minute upload would otherwise send
 * tens of megabytes of JSON for a picture a few hundred pixels wide.
 */
import type { Matrix } from '@ser/core';
import type { AnalyseResult } from '../api-types';

export const WAVEFORM_COLUMNS = 1200;
export const MAX_SPECTROGRAM_FRAMES = 1500;
/** librosa's power_to_db floor: the features never span more than this below their peak. */
const TOP_DB = 80;

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** Min and max of each of (at most) `columns` equal slices of the samples, clamped to [-1, 1]. */
export function waveformEnvelope(samples: Float32Array, columns = WAVEFORM_COLUMNS): AnalyseResult['waveform'] {
  const n = Math.min(columns, samples.length);
  const min = new Array<number>(n);
  const max = new Array<number>(n);
  for (let c = 0; c < n; c++) {
    const from = Math.floor((c * samples.length) / n);
    const to = Math.max(from + 1, Math.floor(((c + 1) * samples.length) / n));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i < to; i++) {
      const v = samples[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    min[c] = round4(Math.max(-1, lo));
    max[c] = round4(Math.min(1, hi));
  }
  return { columns: n, min, max };
}

/**
 * A bands x frames log-mel matrix (dB, a frame every `hopSamples`) as bytes, band-major, band 0 the lowest: frames are pooled by their maximum
 * (short events stay visible) down to at most `maxFrames`; 0 is `maxDb - 80`, 255 the loudest cell.
 */
export function spectrogramBytes(m: Matrix, hopSamples: number, sampleRate: number, maxFrames = MAX_SPECTROGRAM_FRAMES): AnalyseResult['spectrogram'] {
  const bands = m.rows;
  const pool = Math.max(1, Math.ceil(m.cols / maxFrames));
  const frames = Math.ceil(m.cols / pool);
  let maxDb = -Infinity;
  for (const v of m.data) if (v > maxDb) maxDb = v;
  if (!Number.isFinite(maxDb)) maxDb = 0;
  const minDb = maxDb - TOP_DB;
  const bytes = new Uint8Array(bands * frames);
  for (let b = 0; b < bands; b++) {
    const row = b * m.cols;
    for (let f = 0; f < frames; f++) {
      let v = -Infinity;
      for (let k = f * pool; k < Math.min(m.cols, (f + 1) * pool); k++) v = Math.max(v, m.data[row + k]!);
      bytes[b * frames + f] = Math.round(Math.max(0, Math.min(1, (v - minDb) / TOP_DB)) * 255);
    }
  }
  return { bands, frames, hopSeconds: (hopSamples * pool) / sampleRate, minDb, maxDb, data: Buffer.from(bytes).toString('base64') };
}
