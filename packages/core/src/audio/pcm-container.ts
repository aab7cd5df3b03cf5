import { AudioDecodeError } from '../errors.js';
import type { ByteSource } from './byte-source.js';
import type { PcmLayout } from './pcm.js';
import { bytesPerFrame } from './pcm.js';
import { MAX_CHANNELS, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE } from './types.js';

/** What a WAV or AIFF header says, checked: where the frames are and how to read them. */
export interface PcmHeader {
  layout: PcmLayout;
  codec: 'pcm-int' | 'pcm-float' | 'alaw' | 'ulaw';
  warnings: string[];
}

/** Chunk walking stops here: a file of nothing but tiny chunks must not turn into millions of reads. */
export const MAX_CHUNKS = 4096;
/** A format chunk larger than this is not a format chunk. */
export const MAX_FORMAT_CHUNK = 64 * 1024;

export function fail(source: ByteSource, reason: string): never {
  throw new AudioDecodeError(source.name, reason);
}

export async function readExactly(source: ByteSource, offset: number, length: number, what: string): Promise<Uint8Array> {
  const b = await source.read(offset, length);
  if (b.byteLength < length) fail(source, `truncated: the file ends inside the ${what} (needs ${length} bytes at ${offset}, has ${b.byteLength})`);
  return b;
}

export function fourcc(b: Uint8Array, at = 0): string {
  let s = '';
  for (let i = at; i < at + 4; i++) s += String.fromCharCode(b[i] ?? 0);
  return s;
}

/** Printable identifiers (as chunk ids are) tell a real chunk header from audio bytes. */
export function looksLikeChunkId(id: string): boolean {
  return /^[\x20-\x7e]{4}$/.test(id);
}

export function checkFormat(source: ByteSource, channels: number, sampleRate: number): void {
  if (channels === 0) fail(source, 'the header declares zero channels');
  if (channels > MAX_CHANNELS) fail(source, `the header declares ${channels} channels; at most ${MAX_CHANNELS} are supported`);
  if (!Number.isFinite(sampleRate) || sampleRate !== Math.round(sampleRate)) {
    fail(source, `the header declares a non-integer sample rate (${sampleRate})`);
  }
  if (sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    fail(source, `the header declares a sample rate of ${sampleRate} Hz; supported rates are ${MIN_SAMPLE_RATE}-${MAX_SAMPLE_RATE} Hz`);
  }
}

/**
 * Frames really present, given where the data starts and how many bytes the header claims. A claim beyond the
 * end of the file (a recording whose header was never finished) is cut to the file with a warning, never
 * allocated as claimed.
 */
export function presentFrames(
  source: ByteSource,
  layout: Omit<PcmLayout, 'frames'>,
  claimedBytes: number | undefined,
  warnings: string[],
): number {
  const frameBytes = bytesPerFrame({ ...layout, frames: 0 });
  const available = Math.max(0, source.size - layout.dataOffset);
  let bytes: number;
  if (claimedBytes === undefined) {
    warnings.push(`the header gives no data length (unfinished recording?); read ${available} bytes to the end of the file`);
    bytes = available;
  } else if (claimedBytes > available) {
    warnings.push(
      `the header claims ${claimedBytes} bytes of audio but the file holds ${available}; read to the end of the file (truncated or unfinished recording)`,
    );
    bytes = available;
  } else {
    bytes = claimedBytes;
  }
  const frames = Math.floor(bytes / frameBytes);
  if (bytes % frameBytes !== 0) warnings.push(`ignored ${bytes % frameBytes} trailing bytes that do not make a whole frame`);
  return frames;
}
