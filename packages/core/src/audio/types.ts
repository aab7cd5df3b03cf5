/** Containers and codecs that ser decodes. `wav` covers RIFF, RIFX, RF64 and BW64; `aiff` covers AIFF and AIFF-C. */
export type AudioFormat = 'wav' | 'aiff' | 'flac' | 'mp3' | 'ogg-vorbis' | 'ogg-opus';

/** Audio as decoded, before mixing or resampling: one Float32Array per channel, samples in [-1, 1] for PCM. */
export interface DecodedAudio {
  channelData: Float32Array[];
  sampleRate: number;
  format: AudioFormat;
  /** Bits per sample of the source where the container states it (PCM), otherwise undefined. */
  bitsPerSample?: number;
  /** Codec inside the container, e.g. "pcm-int", "pcm-float", "alaw", "flac". */
  codec: string;
  warnings: string[];
}

/** Limits that keep hostile input from costing unbounded memory or time. */
export interface DecodeLimits {
  /** Longest audio accepted, in seconds (default 7200). Use the streaming reader for longer recordings. */
  maxDurationSec?: number;
  /** Largest input accepted, in bytes (default 2 GiB). */
  maxBytes?: number;
}

export const DEFAULT_MAX_DURATION_SEC = 7200;
export const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;
export const MIN_SAMPLE_RATE = 1000;
export const MAX_SAMPLE_RATE = 768_000;
export const MAX_CHANNELS = 256;
