/**
 * A minimal, valid FLAC writer for tests: CONSTANT subframes of silence make decompression bombs (eleven hours in
 * 70 KB), VERBATIM subframes carry real samples. Used by @ser/core's hostile-input tests and the web API's.
 */
function crc8(b: Uint8Array): number {
  let c = 0;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
  }
  return c;
}

function crc16(b: Uint8Array): number {
  let c = 0;
  for (const x of b) {
    c ^= x << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x8005) & 0xffff : (c << 1) & 0xffff;
  }
  return c;
}

/** FLAC's UTF-8-like coding of a frame number. */
function frameNumber(n: number): number[] {
  if (n < 0x80) return [n];
  const count = [0x800, 0x10000, 0x200000, 0x4000000, 0x80000000].findIndex((limit) => n < limit) + 1; // continuation bytes
  const lead = (0xff << (7 - count)) & 0xff;
  const tail = Array.from({ length: count }, (_, k) => 0x80 | ((n >> (6 * (count - 1 - k))) & 0x3f));
  return [lead | (n >> (6 * count)), ...tail];
}

const FLAC_RATE_CODES: Record<number, number> = { 8000: 4, 16000: 5, 22050: 6, 24000: 7, 32000: 8, 44100: 9, 48000: 10, 96000: 11 };

export interface FlacSpec {
  sampleRate: number;
  channels: number;
  /** Samples per channel in each frame (1..65535). */
  blockSize: number;
  /** Every frame a CONSTANT subframe of zeros (silence compresses to ~15 bytes a frame), `frames` of them ... */
  silentFrames?: number;
  /** ... or these 16-bit mono samples in VERBATIM subframes (channels must be 1). */
  samples?: Int16Array;
}

/** A minimal, valid 16-bit FLAC stream: STREAMINFO, then frames of CONSTANT or VERBATIM subframes. */
export function flac(spec: FlacSpec): Uint8Array {
  const { sampleRate, channels, blockSize } = spec;
  // Frames name their rate (some decoders, the wasm one included, never read STREAMINFO's): block size comes from
  // the 16 bits after the frame number (code 7).
  const rateCode = FLAC_RATE_CODES[sampleRate];
  if (rateCode === undefined) throw new Error(`flac(): no frame code for ${sampleRate} Hz; use one of ${Object.keys(FLAC_RATE_CODES).join(', ')}`);
  const total = spec.samples ? spec.samples.length : (spec.silentFrames ?? 0) * blockSize;
  const parts: Uint8Array[] = [];
  const info = new Uint8Array(4 + 4 + 34);
  info.set([0x66, 0x4c, 0x61, 0x43, 0x80, 0, 0, 34]); // "fLaC", last metadata block, STREAMINFO, 34 bytes
  const v = new DataView(info.buffer);
  v.setUint16(8, blockSize);
  v.setUint16(10, blockSize);
  // sample rate (20 bits), channels - 1 (3), bits - 1 (5), total samples (36): 64 bits from byte 18
  const hi = (sampleRate << 12) | ((channels - 1) << 9) | (15 << 4) | Math.floor(total / 2 ** 32);
  v.setUint32(18, hi >>> 0);
  v.setUint32(22, total % 2 ** 32);
  parts.push(info);
  const frames = spec.samples ? Math.ceil(total / blockSize) : (spec.silentFrames ?? 0);
  for (let f = 0; f < frames; f++) {
    const n = spec.samples ? Math.min(blockSize, total - f * blockSize) : blockSize;
    const header = [0xff, 0xf8, (7 << 4) | rateCode, ((channels - 1) << 4) | (4 << 1), ...frameNumber(f), (n - 1) >> 8, (n - 1) & 0xff];
    header.push(crc8(Uint8Array.from(header)));
    const body: number[] = [];
    for (let c = 0; c < channels; c++) {
      if (spec.samples) {
        body.push(0x02); // VERBATIM
        for (let i = 0; i < n; i++) {
          const s = spec.samples[f * blockSize + i]! & 0xffff;
          body.push(s >> 8, s & 0xff);
        }
      } else {
        body.push(0x00, 0, 0); // CONSTANT 0
      }
    }
    const frame = Uint8Array.from([...header, ...body, 0, 0]);
    const crc = crc16(frame.subarray(0, frame.length - 2));
    frame[frame.length - 2] = crc >> 8;
    frame[frame.length - 1] = crc & 0xff;
    parts.push(frame);
  }
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
