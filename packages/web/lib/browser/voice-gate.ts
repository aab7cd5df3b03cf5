/**
 * A voice-activity gate for one microphone, frame by frame (frames of ~20 ms):
 *
 * - The noise floor follows the quietest frames: it drops at once to any quieter frame and creeps up by at most
 *   `floorRiseDbPerSecond`, so it settles on the room's background within a few seconds of any level, yet speech
 *   (which dips between syllables) never lifts it far.
 * - A frame is speech-like when its level is `thresholdDb` above that floor, above the absolute `minLevelDb` (a
 *   digitally silent input has a floor of -inf; a breath 10 dB over it is still silence), and its spectrum is not
 *   flat (`maxFlatness`): hiss, fans and wind are broadband and flat, voiced speech is harmonic and peaky.
 * - The gate opens after `attackFrames` speech-like frames in a row (a click or a tap is one frame) and closes only
 *   after `hangoverSeconds` without one, so the short pauses inside a sentence do not chop it up.
 */
export interface VoiceGateOptions {
  thresholdDb: number;
  minLevelDb: number;
  maxFlatness: number;
  attackFrames: number;
  hangoverSeconds: number;
  floorRiseDbPerSecond: number;
}

export const DEFAULT_GATE: VoiceGateOptions = {
  thresholdDb: 9,
  minLevelDb: -55,
  maxFlatness: 0.45,
  attackFrames: 2,
  hangoverSeconds: 0.3,
  floorRiseDbPerSecond: 3,
};

/** What the gate needs to know about one frame. */
export interface FrameLevel {
  /** RMS level, dBFS. */
  db: number;
  /** Spectral flatness in [0, 1]: geometric over arithmetic mean of the magnitude spectrum. */
  flatness: number;
}

/** Levels below this are treated as this (digital silence would otherwise be -Infinity). */
export const SILENCE_DB = -120;

export class VoiceGate {
  readonly options: VoiceGateOptions;
  #floor = Number.NaN;
  #run = 0;
  #sinceSpeech = Infinity;
  #open = false;

  constructor(options: Partial<VoiceGateOptions> = {}) {
    this.options = { ...DEFAULT_GATE, ...options };
  }

  /** The adaptive noise floor, dBFS (SILENCE_DB before the first frame). */
  get floorDb(): number {
    return Number.isNaN(this.#floor) ? SILENCE_DB : this.#floor;
  }

  get open(): boolean {
    return this.#open;
  }

  /** Feeds one frame lasting `seconds`; returns whether the gate is open after it. */
  update(frame: FrameLevel, seconds: number): boolean {
    const o = this.options;
    const db = Math.max(SILENCE_DB, Number.isFinite(frame.db) ? frame.db : SILENCE_DB);
    if (Number.isNaN(this.#floor) || db < this.#floor) this.#floor = db;
    else this.#floor = Math.min(db, this.#floor + o.floorRiseDbPerSecond * seconds);

    // NaN flatness (an all-zero spectrum) is no evidence of a voice.
    const tonal = frame.flatness <= o.maxFlatness;
    const speechLike = db >= this.#floor + o.thresholdDb && db >= o.minLevelDb && tonal;
    this.#run = speechLike ? this.#run + 1 : 0;
    if (this.#run >= o.attackFrames) {
      this.#open = true;
      this.#sinceSpeech = 0;
    } else {
      this.#sinceSpeech += seconds;
      if (this.#sinceSpeech > o.hangoverSeconds) this.#open = false;
    }
    return this.#open;
  }

  reset(): void {
    this.#floor = Number.NaN;
    this.#run = 0;
    this.#sinceSpeech = Infinity;
    this.#open = false;
  }
}
