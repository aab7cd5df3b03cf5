import type { ByteSource } from './byte-source.js';
import type { PcmLayout } from './pcm.js';
import {
  MAX_CHUNKS,
  MAX_FORMAT_CHUNK,
  checkFormat,
  fail,
  fourcc,
  looksLikeChunkId,
  presentFrames,
  readExactly,
  type PcmHeader,
} from './pcm-container.js';

interface CommChunk {
  channels: number;
  frames: number;
  sampleSize: number;
  sampleRate: number;
  compression: string;
}

/** IEEE 754 80-bit extended (big-endian), the AIFF sample-rate field. */
export function readExtended(b: Uint8Array, at: number): number {
  const sign = b[at]! & 0x80 ? -1 : 1;
  const exponent = ((b[at]! & 0x7f) << 8) | b[at + 1]!;
  let mantissa = 0;
  for (let i = 0; i < 8; i++) mantissa = mantissa * 256 + b[at + 2 + i]!;
  if (exponent === 0 && mantissa === 0) return 0;
  if (exponent === 0x7fff) return NaN;
  return sign * mantissa * 2 ** (exponent - 16383 - 63);
}

function parseComm(source: ByteSource, b: Uint8Array, aifc: boolean): CommChunk {
  if (b.byteLength < 18) fail(source, `the COMM chunk is ${b.byteLength} bytes; at least 18 are needed`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let compression = 'NONE';
  if (aifc) {
    if (b.byteLength < 22) fail(source, 'an AIFF-C COMM chunk without a compression type');
    compression = fourcc(b, 18);
  }
  return { channels: v.getUint16(0), frames: v.getUint32(2), sampleSize: v.getUint16(6), sampleRate: readExtended(b, 8), compression };
}

/** Maps an AIFF-C compression type to a sample layout; plain AIFF is 'NONE' (big-endian signed integers). */
function encodingOf(source: ByteSource, comm: CommChunk): Pick<PcmLayout, 'encoding' | 'bytesPerSample' | 'littleEndian' | 'bitsPerSample'> & { codec: PcmHeader['codec'] } {
  const bits = comm.sampleSize;
  const int = (le: boolean) => {
    if (bits < 1 || bits > 32) fail(source, `unsupported AIFF bit depth ${bits}; supported: 8, 16, 24, 32`);
    return { encoding: 'int' as const, bytesPerSample: Math.ceil(bits / 8), littleEndian: le, bitsPerSample: bits, codec: 'pcm-int' as const };
  };
  switch (comm.compression) {
    case 'NONE':
    case 'twos':
      return int(false);
    case 'sowt':
      return int(true);
    case 'in24':
      return { ...int(false), bytesPerSample: 3, bitsPerSample: 24 };
    case 'in32':
      return { ...int(false), bytesPerSample: 4, bitsPerSample: 32 };
    case 'raw ':
      return { encoding: 'uint8', bytesPerSample: 1, littleEndian: false, bitsPerSample: 8, codec: 'pcm-int' };
    case 'fl32':
    case 'FL32':
      return { encoding: 'float', bytesPerSample: 4, littleEndian: false, bitsPerSample: 32, codec: 'pcm-float' };
    case 'fl64':
    case 'FL64':
      return { encoding: 'float', bytesPerSample: 8, littleEndian: false, bitsPerSample: 64, codec: 'pcm-float' };
    case 'ulaw':
    case 'ULAW':
      return { encoding: 'ulaw', bytesPerSample: 1, littleEndian: false, bitsPerSample: 8, codec: 'ulaw' };
    case 'alaw':
    case 'ALAW':
      return { encoding: 'alaw', bytesPerSample: 1, littleEndian: false, bitsPerSample: 8, codec: 'alaw' };
    default:
      fail(source, `unsupported AIFF-C compression "${comm.compression}"; convert it to PCM, e.g. \`sox in.aif -e signed -b 16 out.wav\``);
  }
}

/** Walks the IFF chunks of an AIFF or AIFF-C file to COMM and SSND. */
export async function parseAiffHeader(source: ByteSource): Promise<PcmHeader> {
  const head = await readExactly(source, 0, 12, 'FORM header');
  const aifc = fourcc(head, 8) === 'AIFC';
  const warnings: string[] = [];
  let comm: CommChunk | undefined;
  let ssnd: { dataOffset: number; bytes: number | undefined } | undefined;
  let offset = 12;
  for (let n = 0; n < MAX_CHUNKS && !(comm && ssnd); n++) {
    if (offset + 8 > source.size) break;
    const ch = await readExactly(source, offset, 8, 'chunk header');
    const id = fourcc(ch);
    const size = new DataView(ch.buffer, ch.byteOffset, 8).getUint32(4);
    const body = offset + 8;
    if (id === 'COMM') {
      if (size > MAX_FORMAT_CHUNK) fail(source, `the COMM chunk claims ${size} bytes; a real one has 18 to a few hundred`);
      comm = parseComm(source, await readExactly(source, body, size, 'COMM chunk'), aifc);
    } else if (id === 'SSND') {
      const s = await readExactly(source, body, 8, 'SSND chunk');
      const dataOffset = body + 8 + new DataView(s.buffer, s.byteOffset, 8).getUint32(0);
      // Unlike WAV, AIFF's SSND may be followed by more chunks (COMM after SSND is legal), so keep walking.
      ssnd = { dataOffset, bytes: size === 0xffffffff || size === 0 ? undefined : Math.max(0, size - 8 - (dataOffset - body - 8)) };
    } else if (!looksLikeChunkId(id)) {
      fail(source, `corrupt chunk list: bytes at offset ${offset} are not a chunk id`);
    }
    offset = body + size + (size & 1);
  }
  if (!comm) fail(source, 'truncated or corrupt: no COMM chunk, so the sample format is unknown');
  if (!ssnd) fail(source, 'truncated or corrupt: no SSND chunk holding the audio');
  checkFormat(source, comm.channels, comm.sampleRate);
  const { codec, ...enc } = encodingOf(source, comm);
  const base = { ...enc, channels: comm.channels, sampleRate: comm.sampleRate, dataOffset: ssnd.dataOffset };
  let frames = presentFrames(source, base, ssnd.bytes, warnings);
  if (comm.frames < frames) frames = comm.frames;
  else if (comm.frames > frames) warnings.push(`COMM declares ${comm.frames} frames but the file holds ${frames}; read what is there`);
  return { layout: { ...base, frames }, codec, warnings };
}
