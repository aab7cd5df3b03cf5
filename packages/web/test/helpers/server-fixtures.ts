/**
 * Uploads for the API tests, built byte by byte: valid WAV and FLAC to compare against @ser/core, and the hostile
 * ones (lying headers, decompression bombs, forged zips) whose bytes must be exact to mean anything.
 */
import { zipSync, type Zippable } from 'fflate';

export interface WavSpec {
  /** 1 = integer PCM, 3 = IEEE float. */
  format?: 1 | 3;
  channels?: number;
  sampleRate?: number;
  bitsPerSample?: number;
  /** The sample bytes, as they go in the data chunk. */
  data: Uint8Array;
  /** What the data chunk's header claims (default: the real length). */
  declaredDataBytes?: number;
}

/** A canonical 44-byte-header WAV, with every field settable, including the ones that lie. */
export function wav(spec: WavSpec): Uint8Array {
  const { format = 1, channels = 1, sampleRate = 16000, bitsPerSample = 16, data } = spec;
  const out = new Uint8Array(44 + data.byteLength);
  const v = new DataView(out.buffer);
  const ascii = (at: number, s: string) => [...s].forEach((c, i) => v.setUint8(at + i, c.charCodeAt(0)));
  const blockAlign = channels * Math.ceil(bitsPerSample / 8);
  ascii(0, 'RIFF');
  v.setUint32(4, Math.min(0xffffffff, 36 + (spec.declaredDataBytes ?? data.byteLength)), true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, format, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, (sampleRate * blockAlign) >>> 0, true);
  v.setUint16(32, blockAlign, true);
  v.setUint16(34, bitsPerSample, true);
  ascii(36, 'data');
  v.setUint32(40, spec.declaredDataBytes ?? data.byteLength, true);
  out.set(data, 44);
  return out;
}

/** 16-bit integers of samples in [-1, 1]; the exact inverse of how @ser/core reads 16-bit PCM (x / 32768). */
export function pcm16(samples: Float32Array): Int16Array {
  return Int16Array.from(samples, (x) => Math.max(-32768, Math.min(32767, Math.round(x * 32768))));
}

/** A second of a vowel-like tone: enough for a model to answer, no corpus needed. */
export function syntheticSpeech(seconds: number, sampleRate = 16000): Float32Array {
  const out = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < out.length; i++) {
    const t = i / sampleRate;
    const f0 = 140 + 30 * Math.sin(2 * Math.PI * 0.7 * t);
    const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t);
    let s = 0;
    for (let h = 1; h <= 8; h++) s += Math.sin(2 * Math.PI * f0 * h * t) / h;
    out[i] = 0.2 * envelope * s;
  }
  return out;
}

export { flac, type FlacSpec } from '../../../core/test/helpers/flac-builder.js';

export function zip(files: Zippable): Uint8Array {
  return zipSync(files);
}

/** Offsets of the central directory entries of a zip made by `zip` (no comment, no zip64). */
function centralEntries(z: Uint8Array): number[] {
  const v = new DataView(z.buffer, z.byteOffset, z.byteLength);
  const end = z.byteLength - 22;
  if (v.getUint32(end, true) !== 0x06054b50) throw new Error('not a plain zip');
  const count = v.getUint16(end + 10, true);
  let at = v.getUint32(end + 16, true);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    out.push(at);
    at += 46 + v.getUint16(at + 28, true) + v.getUint16(at + 30, true) + v.getUint16(at + 32, true);
  }
  return out;
}

/** Rewrites what the first member claims to inflate to, in its local header and the central directory. */
export function forgeDeclaredSize(z: Uint8Array, size: number): Uint8Array {
  const out = z.slice();
  const v = new DataView(out.buffer);
  const central = centralEntries(out)[0]!;
  v.setUint32(central + 24, size, true);
  v.setUint32(v.getUint32(central + 42, true) + 22, size, true);
  return out;
}

/** A zip of one member whose deflate stream inflates to `bytes` zeros (about 1000:1). */
export function zerosZip(name: string, bytes: number): Uint8Array {
  return zipSync({ [name]: [new Uint8Array(bytes), { level: 1 }] });
}

/** The first bytes of a PNG: a common wrong upload. */
export const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89]);

/** A multipart/form-data body built by hand (so that tests can also break it). */
export function multipart(parts: { name: string; filename?: string; type?: string; data: Uint8Array | string }[], boundary = 'ser-test-boundary-7f3a'): { body: Uint8Array; contentType: string } {
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    chunks.push(enc.encode(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`));
    chunks.push(typeof p.data === 'string' ? enc.encode(p.data) : p.data);
    chunks.push(enc.encode('\r\n'));
  }
  chunks.push(enc.encode(`--${boundary}--\r\n`));
  const body = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.length;
  }
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
