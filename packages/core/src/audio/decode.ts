import { AudioDecodeError } from '../errors.js';
import { parseAiffHeader } from './aiff.js';
import type { ByteSource } from './byte-source.js';
import { decodeCompressed, flacBitsPerSample } from './compressed.js';
import { checkDuration } from './limits.js';
import { NonFiniteSampleError, bytesPerFrame, decodePcmFrames } from './pcm.js';
import type { PcmHeader } from './pcm-container.js';
import { id3Length, sniffFormat } from './sniff.js';
import type { AudioFormat, DecodeLimits, DecodedAudio } from './types.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_DURATION_SEC } from './types.js';
import { parseWavHeader } from './wav.js';

const SNIFF_BYTES = 64 * 1024;
/** An ID3 tag (album art) may push the first audio frame this far; further than that is not worth believing. */
const MAX_ID3_BYTES = 16 * 1024 * 1024;

/** Reads the container type from the first bytes, looking past an ID3 tag if there is one. */
export async function detectFormat(source: ByteSource): Promise<AudioFormat> {
  if (source.size === 0) throw new AudioDecodeError(source.name, 'empty file (0 bytes)');
  let head = await source.read(0, SNIFF_BYTES);
  const id3 = id3Length(head);
  if (id3 > head.byteLength - 16 && id3 < MAX_ID3_BYTES) head = await source.read(0, id3 + 4096);
  const sniffed = sniffFormat(head);
  if (sniffed.kind === 'supported') return sniffed.format;
  if (sniffed.kind === 'unsupported') {
    throw new AudioDecodeError(source.name, `unsupported format: ${sniffed.name}; convert it to WAV or FLAC, e.g. \`sox in out.wav\` or \`ffmpeg -i in out.wav\``);
  }
  const size = source.size < 12 ? ` (only ${source.size} bytes)` : '';
  throw new AudioDecodeError(source.name, `not an audio file we recognise${size}: expected WAV, AIFF, FLAC, MP3, Ogg Vorbis or Opus`);
}

export function parsePcmHeader(source: ByteSource, format: 'wav' | 'aiff'): Promise<PcmHeader> {
  return format === 'wav' ? parseWavHeader(source) : parseAiffHeader(source);
}

export function pcmError(source: ByteSource, err: unknown): never {
  if (err instanceof NonFiniteSampleError) throw new AudioDecodeError(source.name, err.message);
  throw err;
}

/** Decodes a whole source into per-channel float samples at its own rate. */
export async function decodeSource(source: ByteSource, limits: DecodeLimits = {}): Promise<DecodedAudio> {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDurationSec = limits.maxDurationSec ?? DEFAULT_MAX_DURATION_SEC;
  if (source.size > maxBytes) {
    throw new AudioDecodeError(source.name, `the file is ${source.size} bytes, over the limit of ${maxBytes}; raise maxBytes or read it with openAudioStream`);
  }
  const format = await detectFormat(source);
  if (format === 'wav' || format === 'aiff') {
    const { layout, codec, warnings } = await parsePcmHeader(source, format);
    if (layout.frames === 0) throw new AudioDecodeError(source.name, 'the file holds no audio frames');
    checkDuration(source.name, layout.frames, layout.sampleRate, maxDurationSec);
    const bytes = await source.read(layout.dataOffset, layout.frames * bytesPerFrame(layout));
    const channelData = Array.from({ length: layout.channels }, () => new Float32Array(layout.frames));
    try {
      decodePcmFrames(bytes, layout, channelData, 0);
    } catch (err) {
      pcmError(source, err);
    }
    return { channelData, sampleRate: layout.sampleRate, format, codec, bitsPerSample: layout.bitsPerSample, warnings };
  }
  const bytes = await source.read(0, source.size);
  const decoded = await decodeCompressed(source.name, bytes, format, maxDurationSec);
  const bitsPerSample = format === 'flac' ? flacBitsPerSample(bytes, id3Length(bytes)) : undefined;
  return { ...decoded, format, codec: format.replace('ogg-', ''), ...(bitsPerSample ? { bitsPerSample } : {}), warnings: [] };
}
