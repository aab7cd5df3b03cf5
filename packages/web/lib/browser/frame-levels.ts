import Meyda from 'meyda';
import { SILENCE_DB, type FrameLevel } from './voice-gate';

/**
 * What the level meter and the voice gate see of fixed-size frames cut from a stream of chunks of any size: RMS (as
 * dBFS) and spectral flatness, computed with meyda. meyda wants power-of-two frames, so the frame is the power of
 * two nearest to 20 ms at the stream's rate (1024 samples at 44.1 and 48 kHz).
 */

/**
 * meyda applies its window (Hann by default) before every feature, RMS included; the mean square of a Hann window is
 * 3/8, so dividing by it gives back the RMS of the frame itself, which is what a level meter shows.
 */
const HANN_MEAN_SQUARE = 0.375;

export function frameSizeFor(sampleRate: number): number {
  return 2 ** Math.round(Math.log2(sampleRate * 0.02));
}

export class FrameLevels {
  readonly frameSize: number;
  readonly sampleRate: number;
  readonly #frame: Float32Array;
  #filled = 0;

  constructor(sampleRate: number) {
    this.sampleRate = sampleRate;
    this.frameSize = frameSizeFor(sampleRate);
    this.#frame = new Float32Array(this.frameSize);
  }

  /** Seconds one frame lasts. */
  get frameSeconds(): number {
    return this.frameSize / this.sampleRate;
  }

  /** Calls `onFrame` for every frame completed by `chunk`; a partial frame waits for the next chunk. */
  push(chunk: Float32Array, onFrame: (frame: FrameLevel) => void): void {
    let at = 0;
    while (at < chunk.length) {
      const take = Math.min(this.frameSize - this.#filled, chunk.length - at);
      this.#frame.set(chunk.subarray(at, at + take), this.#filled);
      this.#filled += take;
      at += take;
      if (this.#filled === this.frameSize) {
        this.#filled = 0;
        onFrame(this.#measure());
      }
    }
  }

  reset(): void {
    this.#filled = 0;
  }

  #measure(): FrameLevel {
    // meyda keeps its settings on one shared object: set them for every frame, another stream may have changed them.
    Meyda.bufferSize = this.frameSize;
    Meyda.sampleRate = this.sampleRate;
    Meyda.windowingFunction = 'hanning';
    const f = Meyda.extract(['rms', 'spectralFlatness'], this.#frame) ?? {};
    const rms = (f.rms ?? 0) / Math.sqrt(HANN_MEAN_SQUARE);
    return {
      db: rms > 0 ? Math.max(SILENCE_DB, 20 * Math.log10(rms)) : SILENCE_DB,
      flatness: f.spectralFlatness ?? Number.NaN,
    };
  }
}
