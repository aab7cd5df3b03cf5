import { AudioDecodeError } from '../errors.js';
import { bytesSource, fileSource, type ByteSource } from './byte-source.js';
import { decodeSource } from './decode.js';
import { mixToMono } from './mix.js';
import { resample } from './resample.js';
import type { AudioFormat, DecodeLimits } from './types.js';

export interface LoadAudioOptions extends DecodeLimits {
  /** Rate of the returned samples in Hz; default: the file's own rate. */
  sampleRate?: number;
  /** Average the channels into one (default true). `samples` is the mono mix either way. */
  mono?: boolean;
  /** Name used in errors and warnings for in-memory input (default "<bytes>"). */
  name?: string;
  /** Called once per warning as well as collected in `warnings`. */
  onWarning?: (message: string) => void;
}

export interface LoadedAudio {
  /** The mono mix at `sampleRate`. */
  samples: Float32Array;
  /** `[samples]` when mono, otherwise every channel at `sampleRate`. */
  channelData: Float32Array[];
  sampleRate: number;
  sourceSampleRate: number;
  durationSec: number;
  /** Channels in the source, whatever `mono` says. */
  channels: number;
  format: AudioFormat;
  /** Codec inside the container: pcm-int, pcm-float, alaw, ulaw, flac, mp3, vorbis, opus. */
  codec: string;
  bitsPerSample?: number;
  /** Things a careful user should know (a truncated file read to its end, ...). */
  warnings: string[];
}

/** Opens a path as a byte source; file-system failures become AudioDecodeErrors that say what to do. */
export async function openSource(path: string): Promise<ByteSource> {
  try {
    return await fileSource(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file; check the path'
      : code === 'EISDIR' || code === 'ENOTFILE' ? 'not a regular file (a directory?); name an audio file'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied; check the file permissions'
      : `cannot be read (${(err as Error).message})`;
    throw new AudioDecodeError(path, reason, { cause: err });
  }
}

export function checkTargetRate(sampleRate: number | undefined): void {
  if (sampleRate === undefined) return;
  if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 768_000) {
    throw new RangeError(`sampleRate must be an integer from 1000 to 768000 Hz, got ${sampleRate}`);
  }
}

/**
 * Decodes a file or bytes (WAV, AIFF/AIFF-C, FLAC, MP3, Ogg Vorbis, Opus; detected by content), mixes to mono and
 * resamples with a band-limited resampler. Hostile input throws AudioDecodeError; it never crashes or hangs.
 */
export async function loadAudio(input: string | Uint8Array | ArrayBuffer, options: LoadAudioOptions = {}): Promise<LoadedAudio> {
  checkTargetRate(options.sampleRate);
  const source =
    typeof input === 'string' ? await openSource(input)
    : bytesSource(input instanceof Uint8Array ? input : new Uint8Array(input), options.name ?? '<bytes>');
  let decoded;
  try {
    decoded = await decodeSource(source, options);
  } finally {
    await source.close();
  }
  for (const w of decoded.warnings) options.onWarning?.(`${source.name}: ${w}`);
  const rate = options.sampleRate ?? decoded.sampleRate;
  const convert = (x: Float32Array) => (rate === decoded.sampleRate ? x : resample(x, decoded.sampleRate, rate));
  const mono = options.mono ?? true;
  const samples = convert(mixToMono(decoded.channelData));
  const channelData = mono || decoded.channelData.length === 1 ? [samples] : decoded.channelData.map(convert);
  return {
    samples,
    channelData,
    sampleRate: rate,
    sourceSampleRate: decoded.sampleRate,
    durationSec: decoded.channelData[0]!.length / decoded.sampleRate,
    channels: decoded.channelData.length,
    format: decoded.format,
    codec: decoded.codec,
    ...(decoded.bitsPerSample !== undefined ? { bitsPerSample: decoded.bitsPerSample } : {}),
    warnings: decoded.warnings,
  };
}
