/**
 * Uploaded bytes to mono samples at the model's rate, with the server's limits. The format comes from the content
 * (never the name); decoding is @ser/core's loadAudio, exactly as `ser predict` does, with the server's duration limit.
 */
import type { AudioFormat, LoadedAudio } from '@ser/core';
import { loadCore, type SerCore } from './core';
import { tooLarge, unprocessable, unsupported } from './errors';
import type { UploadedFile } from './upload';

export interface DecodeLimits {
  maxDurationSec: number;
  maxChannels: number;
}

export interface DecodedUpload {
  /** Mono, at `sampleRate`. */
  samples: Float32Array;
  sampleRate: number;
  /** Seconds of audio. */
  duration: number;
  format: AudioFormat;
  channels: number;
}

export const READABLE_FORMATS = 'WAV, AIFF, FLAC, MP3, Ogg Vorbis/Opus';

/** The container and where its audio starts (after an ID3 tag), from magic bytes; 415 for anything else (a zip, an image, an MP4). */
export function sniffUpload(file: UploadedFile, { sniffFormat }: SerCore): { format: AudioFormat; offset: number } {
  const b = file.bytes;
  if (b.byteLength === 0) throw unprocessable(`${file.name}: the file is empty (0 bytes)`);
  const s = sniffFormat(b);
  if (s.kind === 'supported') return { format: s.format, offset: s.offset };
  if (s.kind === 'unsupported') throw unsupported(`${file.name}: ${s.name} is not an audio file we read: ${READABLE_FORMATS}; convert it, e.g. \`ffmpeg -i in out.wav\``);
  if (b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && (b[3] === 4 || b[3] === 6)) {
    throw unsupported(`${file.name}: a zip archive is not an audio file we read: ${READABLE_FORMATS}; send zips to /api/batch`);
  }
  throw unsupported(`${file.name}: not an audio file we read: ${READABLE_FORMATS}`);
}

const overDuration = (name: string, seconds: number, max: number) =>
  tooLarge(`${name}: ${seconds.toFixed(0)} s of audio is over the limit of ${max} s; send a shorter recording (or cut it, e.g. \`sox in.wav out.wav trim 0 ${max}\`)`);

const tooManyChannels = (name: string, channels: number, max: number) =>
  unprocessable(`${name}: ${channels} channels; at most ${max} are accepted: mix it down to mono, e.g. \`sox in.wav -c 1 out.wav\`)`);

/** The upload as mono samples at `sampleRate`: 415 for non-audio, 413 over the duration limit, 422 unreadable. */
export async function decodeUpload(file: UploadedFile, sampleRate: number, lim: DecodeLimits): Promise<DecodedUpload> {
  const core = await loadCore();
  sniffUpload(file, core);
  let audio: LoadedAudio;
  try {
    // loadAudio refuses audio over maxDurationSec before it allocates it: WAV/AIFF by the header, compressed formats by
    // a counting pass that stops at the limit (a 70 KB FLAC can hold eleven hours of silence).
    audio = await core.loadAudio(file.bytes, { sampleRate, maxDurationSec: lim.maxDurationSec, name: file.name, onWarning: () => {} });
  } catch (err) {
    // Its limit message advises library options; the client needs ours.
    const over = err instanceof Error && err.name === 'AudioDecodeError' ? /^(\d+) s of audio is over the limit/.exec(String((err as { reason?: unknown }).reason)) : null;
    if (over) throw overDuration(file.name, Number(over[1]), lim.maxDurationSec);
    throw err;
  }
  if (audio.channels > lim.maxChannels) throw tooManyChannels(file.name, audio.channels, lim.maxChannels);
  if (audio.samples.length === 0) throw unprocessable(`${file.name}: the file holds no audio samples`);
  if (audio.durationSec > lim.maxDurationSec) throw overDuration(file.name, audio.durationSec, lim.maxDurationSec);
  return { samples: audio.samples, sampleRate, duration: audio.samples.length / sampleRate, format: audio.format, channels: audio.channels };
}
