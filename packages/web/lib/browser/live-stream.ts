import { Resampler } from '@ser/core/browser';
import { AudioRing } from './audio-ring';
import { FrameLevels } from './frame-levels';
import type { LiveLevel, LivePrediction } from './live-protocol';
import { SILENCE_DB, VoiceGate, type VoiceGateOptions } from './voice-gate';

/** One tick waiting to be reported: with the ring's samples when the gate says it is worth classifying. */
interface Job {
  time: number;
  level: number;
  voiced: boolean;
  samples: Float32Array | undefined;
}

/** Classifies samples at the model's rate. */
export type Classify = (samples: Float32Array) => Promise<{ label: string; scores: Record<string, number> }>;

export interface LiveStreamOptions {
  /** Rate of the pushed chunks (the AudioContext's). */
  inputRate: number;
  /** Rate the classifier takes (the model card's). */
  modelRate: number;
  classify: Classify;
  onLevel: (level: LiveLevel) => void;
  onPrediction: (prediction: LivePrediction) => void;
  onError: (message: string) => void;
  /** Seconds of audio each prediction looks at. Default 3, the length the segments of `ser predict --segments` have. */
  windowSeconds?: number;
  /** Seconds of audio between predictions. Default 1. */
  everySeconds?: number;
  /** Seconds of audio between level reports. Default 0.05 (20 a second: smooth enough for a meter). */
  levelEverySeconds?: number;
  /** Share of a second's frames the voice gate must have been open for that second to be classified. Default 0.2. */
  minVoicedShare?: number;
  gate?: Partial<VoiceGateOptions>;
}

/**
 * One microphone stream: level frames through the voice gate, samples resampled into a ring of the last
 * `windowSeconds`, and every `everySeconds` of audio a prediction on that ring (or a silence report when the gate
 * stayed shut). Time is audio time, counted in samples, so a busy thread delays predictions but never skips or
 * duplicates a second. When classifying takes longer than a second, ticks that arrive meanwhile collapse into the
 * latest one: the display lags by at most one prediction instead of falling ever further behind.
 */
export class LiveStream {
  readonly #o: Required<Omit<LiveStreamOptions, 'gate'>>;
  readonly #levels: FrameLevels;
  readonly #gate: VoiceGate;
  readonly #resampler: Resampler;
  readonly #ring: AudioRing;
  #samplesIn = 0;
  #nextTick: number;
  #framesInTick = 0;
  #openFramesInTick = 0;
  #tickPeakDb = SILENCE_DB;
  #levelPeakDb = SILENCE_DB;
  #nextLevel: number;
  #busy = false;
  #waiting: Job | undefined;
  #closed = false;

  constructor(options: LiveStreamOptions) {
    this.#o = { windowSeconds: 3, everySeconds: 1, levelEverySeconds: 0.05, minVoicedShare: 0.2, ...options };
    const { inputRate, modelRate } = this.#o;
    this.#levels = new FrameLevels(inputRate);
    this.#gate = new VoiceGate(options.gate);
    this.#resampler = new Resampler(inputRate, modelRate);
    this.#ring = new AudioRing(Math.round(this.#o.windowSeconds * modelRate));
    this.#nextTick = Math.round(this.#o.everySeconds * inputRate);
    this.#nextLevel = this.#o.levelEverySeconds;
  }

  /** Seconds of audio pushed so far. */
  get time(): number {
    return this.#samplesIn / this.#o.inputRate;
  }

  push(chunk: Float32Array): void {
    if (this.#closed) return;
    const frameSeconds = this.#levels.frameSeconds;
    this.#levels.push(chunk, (frame) => {
      const open = this.#gate.update(frame, frameSeconds);
      this.#framesInTick++;
      if (open) this.#openFramesInTick++;
      this.#tickPeakDb = Math.max(this.#tickPeakDb, frame.db);
      this.#levelPeakDb = Math.max(this.#levelPeakDb, frame.db);
    });
    this.#ring.push(this.#resampler.process(chunk));
    this.#samplesIn += chunk.length;
    if (this.time >= this.#nextLevel) {
      this.#o.onLevel({ time: this.time, db: this.#levelPeakDb, floorDb: this.#gate.floorDb, voiced: this.#gate.open });
      this.#levelPeakDb = SILENCE_DB;
      this.#nextLevel = this.time + this.#o.levelEverySeconds;
    }
    while (this.#samplesIn >= this.#nextTick) {
      this.#tick(this.#nextTick / this.#o.inputRate);
      this.#nextTick += Math.round(this.#o.everySeconds * this.#o.inputRate);
    }
  }

  /** Ends the stream: nothing is reported afterwards, not even a prediction already running. */
  close(): void {
    this.#closed = true;
    this.#waiting = undefined;
  }

  #tick(time: number): void {
    const voiced = this.#framesInTick > 0 && this.#openFramesInTick / this.#framesInTick >= this.#o.minVoicedShare;
    const level = this.#tickPeakDb;
    this.#framesInTick = 0;
    this.#openFramesInTick = 0;
    this.#tickPeakDb = SILENCE_DB;
    const job: Job = { time, level, voiced, samples: voiced ? this.#ring.snapshot() : undefined };
    // A silence report waits for a running prediction too, so reports always come in time order.
    if (this.#busy) this.#waiting = job;
    else void this.#run(job);
  }

  async #run(job: Job): Promise<void> {
    if (!job.samples) {
      this.#o.onPrediction({ time: job.time, label: null, scores: null, level: job.level, voiced: false });
      return;
    }
    this.#busy = true;
    try {
      const { label, scores } = await this.#o.classify(job.samples);
      if (!this.#closed) this.#o.onPrediction({ time: job.time, label, scores, level: job.level, voiced: true });
    } catch (err) {
      if (!this.#closed) this.#o.onError(err instanceof Error ? err.message : String(err));
    } finally {
      this.#busy = false;
    }
    const next = this.#waiting;
    this.#waiting = undefined;
    if (next && !this.#closed) await this.#run(next);
  }
}
