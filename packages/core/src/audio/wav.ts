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

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_ALAW = 0x0006;
const WAVE_FORMAT_MULAW = 0x0007;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Every KSDATAFORMAT_SUBTYPE_* GUID for a plain WAVE format tag ends with these 14 bytes. */
const SUBTYPE_GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

const FORMAT_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG',
  0x0055: 'MPEG Layer 3',
  0x0092: 'Dolby AC-3',
  0x00ff: 'AAC',
  0x1610: 'HE-AAC',
};

interface FmtChunk {
  tag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

function parseFmt(source: ByteSource, b: Uint8Array, le: boolean): FmtChunk {
  if (b.byteLength < 16) fail(source, `the fmt chunk is ${b.byteLength} bytes; at least 16 are needed`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let tag = v.getUint16(0, le);
  const bitsPerSample = v.getUint16(14, le);
  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    if (b.byteLength < 40) fail(source, 'WAVE_FORMAT_EXTENSIBLE with an fmt chunk shorter than 40 bytes');
    const validBits = v.getUint16(18, le);
    const subTag = v.getUint16(24, le);
    const tailMatches = SUBTYPE_GUID_TAIL.every((x, i) => b[26 + i] === x);
    if (!tailMatches) fail(source, 'WAVE_FORMAT_EXTENSIBLE with an unknown sub-format GUID (not PCM or float)');
    tag = subTag;
    // validBits only narrows the meaningful bits; the container width (bitsPerSample) still sets the scaling.
    if (validBits > bitsPerSample) fail(source, `valid bits (${validBits}) exceed the container's ${bitsPerSample} bits per sample`);
  }
  return { tag, channels: v.getUint16(2, le), sampleRate: v.getUint32(4, le), blockAlign: v.getUint16(12, le), bitsPerSample };
}

function layoutFromFmt(source: ByteSource, fmt: FmtChunk, le: boolean): Omit<PcmLayout, 'frames' | 'dataOffset'> & { codec: PcmHeader['codec'] } {
  checkFormat(source, fmt.channels, fmt.sampleRate);
  const bits = fmt.bitsPerSample;
  let encoding: PcmLayout['encoding'];
  let codec: PcmHeader['codec'];
  switch (fmt.tag) {
    case WAVE_FORMAT_PCM:
      if (bits < 1 || bits > 32) fail(source, `unsupported PCM bit depth ${bits}; supported: 8, 16, 24, 32 (or fewer valid bits in those)`);
      encoding = bits <= 8 ? 'uint8' : 'int';
      codec = 'pcm-int';
      break;
    case WAVE_FORMAT_IEEE_FLOAT:
      if (bits !== 32 && bits !== 64) fail(source, `unsupported float bit depth ${bits}; supported: 32, 64`);
      encoding = 'float';
      codec = 'pcm-float';
      break;
    case WAVE_FORMAT_ALAW:
    case WAVE_FORMAT_MULAW:
      if (bits !== 8) fail(source, `G.711 ${fmt.tag === WAVE_FORMAT_ALAW ? 'A-law' : 'mu-law'} with ${bits} bits per sample; it must be 8`);
      encoding = fmt.tag === WAVE_FORMAT_ALAW ? 'alaw' : 'ulaw';
      codec = encoding;
      break;
    default: {
      const name = FORMAT_NAMES[fmt.tag] ?? 'an unknown codec';
      fail(source, `unsupported WAV codec 0x${fmt.tag.toString(16).padStart(4, '0')} (${name}); convert it to PCM, e.g. \`sox in.wav -e signed -b 16 out.wav\``);
    }
  }
  let bytesPerSample = Math.ceil(bits / 8);
  // Some writers put 24-bit samples in 4-byte slots and say so only through blockAlign.
  if (fmt.blockAlign !== bytesPerSample * fmt.channels) {
    const slot = fmt.blockAlign / fmt.channels;
    if (Number.isInteger(slot) && slot > bytesPerSample && slot <= 4 && encoding === 'int') {
      bytesPerSample = slot;
    } else {
      fail(source, `block align ${fmt.blockAlign} does not fit ${fmt.channels} channels of ${bits}-bit samples`);
    }
  }
  if (encoding === 'int' && bytesPerSample === 1) encoding = 'uint8';
  return { encoding, codec, bytesPerSample, bitsPerSample: bits, littleEndian: le, channels: fmt.channels, sampleRate: fmt.sampleRate };
}

/**
 * Walks the RIFF chunks of a WAV file (RIFF, RIFX big-endian, RF64/BW64 with a ds64 chunk) up to the data chunk.
 * Unknown chunks (LIST, fact, cue, bext, JUNK ...) are skipped, odd-sized chunks with their pad byte.
 */
export async function parseWavHeader(source: ByteSource): Promise<PcmHeader> {
  const head = await readExactly(source, 0, 12, 'RIFF header');
  const riff = fourcc(head);
  const le = riff !== 'RIFX';
  const warnings: string[] = [];
  let ds64DataSize: number | undefined;
  let fmt: FmtChunk | undefined;
  let offset = 12;
  for (let n = 0; n < MAX_CHUNKS; n++) {
    if (offset + 8 > source.size) {
      if (!fmt) fail(source, 'truncated: no fmt chunk before the end of the file');
      fail(source, 'truncated: no data chunk before the end of the file');
    }
    const ch = await readExactly(source, offset, 8, 'chunk header');
    const id = fourcc(ch);
    const size = new DataView(ch.buffer, ch.byteOffset, 8).getUint32(4, le);
    const body = offset + 8;
    if (id === 'ds64') {
      const d = await readExactly(source, body, 24, 'ds64 chunk');
      const v = new DataView(d.buffer, d.byteOffset, 24);
      const value = v.getUint32(8, true) + v.getUint32(12, true) * 2 ** 32;
      ds64DataSize = Number.isSafeInteger(value) ? value : undefined;
    } else if (id === 'fmt ') {
      if (size > MAX_FORMAT_CHUNK) fail(source, `the fmt chunk claims ${size} bytes; a real one has 16 to 40`);
      fmt = parseFmt(source, await readExactly(source, body, size, 'fmt chunk'), le);
    } else if (id === 'data') {
      if (!fmt) fail(source, 'the data chunk comes before any fmt chunk, so the sample format is unknown');
      const base = layoutFromFmt(source, fmt, le);
      const { codec, ...rest } = base;
      const layout = { ...rest, dataOffset: body };
      const claimed = claimedDataBytes(riff, size, ds64DataSize, source.size - body, await source.read(body, 8));
      const frames = presentFrames(source, layout, claimed, warnings);
      return { layout: { ...layout, frames }, codec, warnings };
    } else if (!looksLikeChunkId(id)) {
      fail(source, `corrupt chunk list: bytes at offset ${offset} are not a chunk id`);
    }
    offset = body + size + (size & 1);
  }
  fail(source, `more than ${MAX_CHUNKS} chunks before the audio data; this is not a sane WAV file`);
}

/**
 * The data length a header really means. RF64 puts it in ds64; streaming writers leave 0 or 0xFFFFFFFF behind when
 * they never come back to finish the header (undefined here means "to the end of the file").
 */
function claimedDataBytes(riff: string, size: number, ds64: number | undefined, remaining: number, next: Uint8Array): number | undefined {
  if ((riff === 'RF64' || riff === 'BW64') && size === 0xffffffff) return ds64;
  if (size === 0xffffffff) return undefined;
  if (size === 0 && remaining > 0 && !looksLikeChunkId(fourcc(next))) return undefined;
  return size;
}
