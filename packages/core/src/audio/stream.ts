import { createReadStream } from 'node:fs';
import { decodeChunked } from 'audio-decode/stream';
import { AudioDecodeError } from '../errors.js';
import type { ByteSource } from './byte-source.js';
import { DECODER_NAME, checkDecodedChunk, flacBitsPerSample, rescaleFlac, type CompressedFormat, type DecodedChunk } from './compressed.js';
import { detectFormat, parsePcmHeader, pcmError } from './decode.js';
import { checkTargetRate, openSource, type LoadAudioOptions } from './load.js';
import { mixToMono } from './mix.js';
import { id3Length } from './sniff.js';
import { bytesPerFrame, decodePcmFrames, type PcmLayout } from './pcm.js';
import { Resampler } from './resample.js';
import type { AudioFormat } from './types.js';

export interface AudioStreamOptions extends Pick<LoadAudioOptions, 'sampleRate' | 'mono' | 'onWarning'> {
  /** Source frames decoded per block (default 65536): memory stays proportional to this, not to the file. */
  blockFrames?: number;
}

export interface AudioStreamInfo {
  format: AudioFormat;
  codec: string;
  sourceSampleRate: number;
  /** Rate of the blocks this stream yields. */
  sampleRate: number;
  channels: number;
  /** Known up front for WAV and AIFF; compressed streams tell only at the end. */
  durationSec: number | undefined;
  warnings: string[];
}

export interface AudioBlock {
  /** The mono mix of this block at `info.sampleRate`. */
  samples: Float32Array;
  /** `[samples]` when mono, otherwise every channel. */
  channelData: Float32Array[];
  /** Where this block starts in the output, in seconds. */
  startSec: number;
}

export interface AudioStream extends AsyncIterable<AudioBlock> {
  readonly info: AudioStreamInfo;
  /** Releases the file; iterating to the end closes it too. */
  close(): Promise<void>;
}

/** Source blocks -> mixed, resampled output blocks, with per-channel resampler state carried across blocks. */
class BlockConverter {
  private readonly resamplers: Resampler[] | undefined;
  private produced = 0;
  constructor(
    private readonly mono: boolean,
    private readonly channels: number,
    fromRate: number,
    private readonly toRate: number,
  ) {
    const outChannels = mono ? 1 : channels;
    this.resamplers = fromRate === toRate ? undefined : Array.from({ length: outChannels }, () => new Resampler(fromRate, toRate));
  }

  convert(channelData: Float32Array[]): AudioBlock {
    const mixed = this.mono || this.channels === 1 ? [mixToMono(channelData)] : channelData;
    const out = this.resamplers ? mixed.map((x, i) => this.resamplers![i]!.process(x)) : mixed;
    return this.block(out);
  }

  flush(): AudioBlock | undefined {
    if (!this.resamplers) return undefined;
    const out = this.resamplers.map((r) => r.flush());
    return out[0]!.length > 0 ? this.block(out) : undefined;
  }

  private block(channelData: Float32Array[]): AudioBlock {
    const startSec = this.produced / this.toRate;
    this.produced += channelData[0]!.length;
    const samples = channelData.length === 1 ? channelData[0]! : mixToMono(channelData);
    return { samples, channelData, startSec };
  }
}

async function* pcmBlocks(source: ByteSource, layout: PcmLayout, blockFrames: number): AsyncGenerator<Float32Array[]> {
  const frameBytes = bytesPerFrame(layout);
  for (let frame = 0; frame < layout.frames; frame += blockFrames) {
    const n = Math.min(blockFrames, layout.frames - frame);
    const bytes = await source.read(layout.dataOffset + frame * frameBytes, n * frameBytes);
    const channelData = Array.from({ length: layout.channels }, () => new Float32Array(Math.floor(bytes.byteLength / frameBytes)));
    try {
      decodePcmFrames(bytes, layout, channelData, 0, frame);
    } catch (err) {
      pcmError(source, err);
    }
    yield channelData;
    if (bytes.byteLength < n * frameBytes) return; // the file shrank while we read it
  }
}

async function* compressedBlocks(
  path: string,
  format: CompressedFormat,
  flacBits: number | undefined,
  first: DecodedChunk,
  rest: AsyncGenerator<DecodedChunk>,
): AsyncGenerator<Float32Array[]> {
  rescaleFlac(first.channelData, flacBits);
  yield first.channelData;
  const shape = { channels: first.channelData.length, sampleRate: first.sampleRate };
  try {
    for await (const chunk of rest) {
      if (chunk.channelData.length === 0 || chunk.channelData[0]!.length === 0) continue;
      checkDecodedChunk(path, chunk, shape);
      rescaleFlac(chunk.channelData, flacBits);
      yield chunk.channelData;
    }
  } catch (err) {
    if (err instanceof AudioDecodeError) throw err;
    throw new AudioDecodeError(path, `corrupt ${format} stream: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
}

async function openCompressed(path: string, format: CompressedFormat): Promise<{ first: DecodedChunk; rest: AsyncGenerator<DecodedChunk> }> {
  const rest = decodeChunked(createReadStream(path, { highWaterMark: 64 * 1024 }), DECODER_NAME[format]);
  try {
    for (;;) {
      const next = await rest.next();
      if (next.done) throw new AudioDecodeError(path, `no audio could be decoded from this ${format} stream (corrupt or empty)`);
      if (next.value.channelData.length > 0 && next.value.channelData[0]!.length > 0) {
        checkDecodedChunk(path, next.value);
        return { first: next.value, rest };
      }
    }
  } catch (err) {
    await rest.return(undefined);
    if (err instanceof AudioDecodeError) throw err;
    throw new AudioDecodeError(path, `corrupt ${format} stream: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
}

/**
 * Reads a long recording block by block with bounded memory: WAV and AIFF by seeking in the file, compressed
 * formats through the decoder's chunked API. Blocks are mixed and resampled exactly as `loadAudio` would.
 */
export async function openAudioStream(path: string, options: AudioStreamOptions = {}): Promise<AudioStream> {
  checkTargetRate(options.sampleRate);
  const blockFrames = options.blockFrames ?? 65536;
  if (!Number.isInteger(blockFrames) || blockFrames < 1 || blockFrames > 1 << 24) {
    throw new RangeError(`blockFrames must be an integer from 1 to ${1 << 24}, got ${blockFrames}`);
  }
  const source = await openSource(path);
  let info: AudioStreamInfo;
  let blocks: AsyncGenerator<Float32Array[]>;
  try {
    const format = await detectFormat(source);
    if (format === 'wav' || format === 'aiff') {
      const { layout, codec, warnings } = await parsePcmHeader(source, format);
      if (layout.frames === 0) throw new AudioDecodeError(path, 'the file holds no audio frames');
      info = {
        format, codec, sourceSampleRate: layout.sampleRate, sampleRate: options.sampleRate ?? layout.sampleRate,
        channels: layout.channels, durationSec: layout.frames / layout.sampleRate, warnings,
      };
      blocks = pcmBlocks(source, layout, blockFrames);
    } else {
      let flacBits: number | undefined;
      if (format === 'flac') {
        const head = await source.read(0, 64 * 1024);
        flacBits = flacBitsPerSample(await source.read(0, id3Length(head) + 64), id3Length(head));
      }
      await source.close();
      const { first, rest } = await openCompressed(path, format);
      info = {
        format, codec: format.replace('ogg-', ''), sourceSampleRate: first.sampleRate, sampleRate: options.sampleRate ?? first.sampleRate,
        channels: first.channelData.length, durationSec: undefined, warnings: [],
      };
      blocks = compressedBlocks(path, format, flacBits, first, rest);
    }
  } catch (err) {
    await source.close();
    throw err;
  }
  for (const w of info.warnings) options.onWarning?.(`${path}: ${w}`);
  const converter = new BlockConverter(options.mono ?? true, info.channels, info.sourceSampleRate, info.sampleRate);
  const close = async () => {
    await blocks.return(undefined);
    await source.close();
  };
  return {
    info,
    close,
    async *[Symbol.asyncIterator]() {
      try {
        for await (const channelData of blocks) yield converter.convert(channelData);
        const tail = converter.flush();
        if (tail) yield tail;
      } finally {
        await close();
      }
    },
  };
}
