/** How PCM frames are laid out in a container; shared by the WAV and AIFF parsers and the streaming reader. */
export interface PcmLayout {
  encoding: 'int' | 'uint8' | 'float' | 'alaw' | 'ulaw';
  /** Bytes per sample in the container (a 24-bit sample may sit in 4 bytes). */
  bytesPerSample: number;
  /** Meaningful bits; scaling uses the container width, so 20-in-24 and 12-in-16 need no special case. */
  bitsPerSample: number;
  littleEndian: boolean;
  channels: number;
  sampleRate: number;
  /** Byte offset of the first frame in the source. */
  dataOffset: number;
  /** Whole frames actually present in the source (never what a broken header claims beyond the end). */
  frames: number;
}

export function bytesPerFrame(layout: PcmLayout): number {
  return layout.bytesPerSample * layout.channels;
}

const ALAW = buildAlawTable();
const ULAW = buildUlawTable();

function buildAlawTable(): Float32Array {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) {
    const a = i ^ 0x55;
    const exponent = (a & 0x70) >> 4;
    let magnitude = (a & 0x0f) << 4;
    magnitude += exponent === 0 ? 8 : 0x108;
    if (exponent > 1) magnitude <<= exponent - 1;
    t[i] = (a & 0x80 ? magnitude : -magnitude) / 32768;
  }
  return t;
}

function buildUlawTable(): Float32Array {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) {
    const u = ~i & 0xff;
    const exponent = (u & 0x70) >> 4;
    const magnitude = ((((u & 0x0f) << 3) + 0x84) << exponent) - 0x84;
    t[i] = (u & 0x80 ? -magnitude : magnitude) / 32768;
  }
  return t;
}

/**
 * Float audio beyond this magnitude is corrupt, not loud: 2^24 still admits files that store int16 or int24 values
 * as floats, and keeps every later sum (resampling, features) far from overflow.
 */
export const MAX_FLOAT_MAGNITUDE = 2 ** 24;

/** Thrown by `decodePcmFrames` for NaN, infinite or absurd float samples; callers turn it into an AudioDecodeError. */
export class NonFiniteSampleError extends Error {
  constructor(readonly frame: number, readonly channel: number, value: number) {
    super(
      Number.isFinite(value)
        ? `float sample of absurd magnitude (${value.toExponential(2)}) at frame ${frame}, channel ${channel}; the file is corrupt`
        : `non-finite float sample (NaN or Inf) at frame ${frame}, channel ${channel}`,
    );
  }
}

/**
 * Decodes whole frames from `bytes` (which starts on a frame boundary) into one Float32Array per channel,
 * writing at `writeOffset` of `out`. Integers map to [-1, 1) by their container width, as librosa and sox do.
 * `firstFrame` only serves error messages.
 */
export function decodePcmFrames(
  bytes: Uint8Array,
  layout: PcmLayout,
  out: Float32Array[],
  writeOffset: number,
  firstFrame = 0,
): number {
  const frameBytes = bytesPerFrame(layout);
  const frames = Math.floor(bytes.byteLength / frameBytes);
  const { channels, bytesPerSample: width, littleEndian: le } = layout;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let c = 0; c < channels; c++) {
    const dst = out[c]!;
    let p = c * width;
    switch (layout.encoding) {
      case 'uint8':
        for (let f = 0; f < frames; f++, p += frameBytes) dst[writeOffset + f] = (bytes[p]! - 128) / 128;
        break;
      case 'alaw':
        for (let f = 0; f < frames; f++, p += frameBytes) dst[writeOffset + f] = ALAW[bytes[p]!]!;
        break;
      case 'ulaw':
        for (let f = 0; f < frames; f++, p += frameBytes) dst[writeOffset + f] = ULAW[bytes[p]!]!;
        break;
      case 'int':
        decodeInt(view, width, le, p, frameBytes, frames, dst, writeOffset);
        break;
      case 'float':
        for (let f = 0; f < frames; f++, p += frameBytes) {
          const v = width === 4 ? view.getFloat32(p, le) : view.getFloat64(p, le);
          // NaN fails both comparisons, so this one test rejects NaN, Inf and values a Float32Array cannot hold.
          if (!(v <= MAX_FLOAT_MAGNITUDE && v >= -MAX_FLOAT_MAGNITUDE)) throw new NonFiniteSampleError(firstFrame + f, c, v);
          dst[writeOffset + f] = v;
        }
        break;
    }
  }
  return frames;
}

function decodeInt(
  view: DataView,
  width: number,
  le: boolean,
  start: number,
  stride: number,
  frames: number,
  dst: Float32Array,
  at: number,
): void {
  let p = start;
  switch (width) {
    case 1: // AIFF stores 8-bit audio signed; WAV's unsigned 8-bit is the 'uint8' encoding.
      for (let f = 0; f < frames; f++, p += stride) dst[at + f] = view.getInt8(p) / 128;
      return;
    case 2:
      for (let f = 0; f < frames; f++, p += stride) dst[at + f] = view.getInt16(p, le) / 32768;
      return;
    case 3:
      for (let f = 0; f < frames; f++, p += stride) {
        const v = le
          ? view.getUint8(p) | (view.getUint8(p + 1) << 8) | (view.getInt8(p + 2) << 16)
          : view.getUint8(p + 2) | (view.getUint8(p + 1) << 8) | (view.getInt8(p) << 16);
        dst[at + f] = v / 8388608;
      }
      return;
    case 4:
      for (let f = 0; f < frames; f++, p += stride) dst[at + f] = view.getInt32(p, le) / 2147483648;
      return;
    default:
      throw new Error(`unsupported integer sample width ${width}`);
  }
}
