import decode from 'audio-decode';
import { decodeChunked } from 'audio-decode/stream';
import { AudioDecodeError } from '../errors.js';
import { checkDuration } from './limits.js';
import { MAX_FLOAT_MAGNITUDE } from './pcm.js';
import { id3Length } from './sniff.js';
import type { AudioFormat } from './types.js';
import { MAX_CHANNELS, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE } from './types.js';

export type CompressedFormat = Exclude<AudioFormat, 'wav' | 'aiff'>;

/** audio-decode's name for each of our compressed formats. */
export const DECODER_NAME = { flac: 'flac', mp3: 'mp3', 'ogg-vorbis': 'oga', 'ogg-opus': 'opus' } as const satisfies Record<CompressedFormat, string>;

export interface DecodedChunk {
  channelData: Float32Array[];
  sampleRate: number;
}

/**
 * Checks a chunk from the third-party decoder: it must never hand on NaNs, a changing channel layout or an absurd
 * rate, whatever the input bytes were.
 */
export function checkDecodedChunk(name: string, chunk: DecodedChunk, expect?: { channels: number; sampleRate: number }): void {
  const channels = chunk.channelData.length;
  if (channels === 0) return;
  if (channels > MAX_CHANNELS) throw new AudioDecodeError(name, `the decoder produced ${channels} channels; at most ${MAX_CHANNELS} are supported`);
  if (!(chunk.sampleRate >= MIN_SAMPLE_RATE && chunk.sampleRate <= MAX_SAMPLE_RATE)) {
    throw new AudioDecodeError(name, `the stream declares a sample rate of ${chunk.sampleRate} Hz; supported rates are ${MIN_SAMPLE_RATE}-${MAX_SAMPLE_RATE} Hz`);
  }
  if (expect && (expect.channels !== channels || expect.sampleRate !== chunk.sampleRate)) {
    throw new AudioDecodeError(name, 'the stream changes its channel count or sample rate midway; split it into files first');
  }
  for (const ch of chunk.channelData) {
    for (let i = 0; i < ch.length; i++) {
      const v = ch[i]!;
      if (!(v <= MAX_FLOAT_MAGNITUDE && v >= -MAX_FLOAT_MAGNITUDE)) {
        throw new AudioDecodeError(name, `the decoder produced a sample of ${v} at ${i}; the stream is corrupt`);
      }
    }
  }
}

/** Bits per sample from a FLAC stream's STREAMINFO block, which must come first after "fLaC". */
export function flacBitsPerSample(bytes: Uint8Array, offset: number): number | undefined {
  const info = offset + 8; // "fLaC" + 4-byte metadata block header
  if ((bytes[offset + 4]! & 0x7f) !== 0 || bytes.length < info + 18) return undefined;
  return ((((bytes[info + 12]! & 1) << 4) | (bytes[info + 13]! >> 4)) + 1);
}

/**
 * The FLAC decoder divides integers by 2^(b-1) - 1; librosa (soundfile) and our WAV path divide by 2^(b-1).
 * Rounding back to the integer is exact up to 24 bits, so FLAC decodes bit-identically to the same audio as WAV.
 */
export function rescaleFlac(channelData: Float32Array[], bits: number | undefined): void {
  if (bits === undefined || bits > 24) return;
  const full = 2 ** (bits - 1);
  for (const ch of channelData) for (let i = 0; i < ch.length; i++) ch[i] = Math.round(ch[i]! * (full - 1)) / full;
}

/**
 * Input step of the counting pass, per format. The decoder turns each slice into samples at once, and nothing bounds
 * that ratio but the format: FLAC frames of silence (65535 samples per channel in ~15 bytes) give up to ~16 000
 * samples per byte, Opus and Vorbis silence a few thousand, MP3 at most ~16. The steps keep the worst crafted slice
 * near 16 M samples (64 MB for a moment); smaller steps would cost ordinary files more decoder calls.
 */
const COUNT_SLICE: Record<CompressedFormat, number> = { flac: 1024, 'ogg-opus': 4096, 'ogg-vorbis': 4096, mp3: 64 * 1024 };

async function* slices(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += size) yield bytes.subarray(at, at + size);
}

/**
 * Compressed formats do not state their length reliably: 70 KB of FLAC silence holds eleven hours. Before the real
 * decode, the stream is decoded slice by slice keeping nothing, and stops as soon as it passes `maxDurationSec`, so
 * a bomb costs a moment of 64 MB instead of gigabytes. (The sliced decoder is only used to count: it can drop a few
 * FLAC tail frames, which the real, whole decode does not.)
 */
async function checkCompressedDuration(name: string, bytes: Uint8Array, format: CompressedFormat, maxDurationSec: number): Promise<void> {
  let frames = 0;
  try {
    for await (const chunk of decodeChunked(slices(bytes, COUNT_SLICE[format]), DECODER_NAME[format])) {
      if (chunk.channelData.length === 0) continue;
      checkDecodedChunk(name, chunk);
      frames += chunk.channelData[0]!.length;
      checkDuration(name, frames, chunk.sampleRate, maxDurationSec);
    }
  } catch (err) {
    if (err instanceof AudioDecodeError) throw err;
    throw new AudioDecodeError(name, `corrupt ${format} stream: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
}

/** Decodes a whole FLAC, MP3, Ogg Vorbis or Ogg Opus file held in memory, refusing one over `maxDurationSec` first. */
export async function decodeCompressed(name: string, bytes: Uint8Array, format: CompressedFormat, maxDurationSec: number): Promise<DecodedChunk> {
  await checkCompressedDuration(name, bytes.subarray(id3Length(bytes)), format, maxDurationSec);
  const chunks: DecodedChunk[] = [];
  try {
    const decoder = await decode[DECODER_NAME[format]]();
    chunks.push(await decoder(bytes));
    chunks.push(await decoder()); // flush: Opus and Vorbis hold back their last frames until asked
  } catch (err) {
    if (err instanceof AudioDecodeError) throw err;
    throw new AudioDecodeError(name, `corrupt ${format} stream: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
  const nonEmpty = chunks.filter((c) => c.channelData.length > 0 && c.channelData[0]!.length > 0);
  const first = nonEmpty[0];
  if (!first) throw new AudioDecodeError(name, `no audio could be decoded from this ${format} stream (corrupt or empty)`);
  const shape = { channels: first.channelData.length, sampleRate: first.sampleRate };
  for (const c of nonEmpty) checkDecodedChunk(name, c, shape);
  const frames = nonEmpty.reduce((n, c) => n + c.channelData[0]!.length, 0);
  checkDuration(name, frames, shape.sampleRate, maxDurationSec);
  if (format === 'flac') for (const c of nonEmpty) rescaleFlac(c.channelData, flacBitsPerSample(bytes, id3Length(bytes)));
  if (nonEmpty.length === 1) return first;
  const channelData = Array.from({ length: shape.channels }, () => new Float32Array(frames));
  let at = 0;
  for (const c of nonEmpty) {
    c.channelData.forEach((ch, i) => channelData[i]!.set(ch, at));
    at += c.channelData[0]!.length;
  }
  return { channelData, sampleRate: shape.sampleRate };
}
