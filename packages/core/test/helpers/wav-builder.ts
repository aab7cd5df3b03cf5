/** Builds RIFF/WAVE and AIFF files byte by byte, so tests can make valid and deliberately broken headers. */

export interface Chunk {
  id: string;
  body: Uint8Array;
  /** Size written in the header; defaults to body length (lets tests lie about it). */
  claimedSize?: number;
}

function u32(v: DataView, at: number, x: number, le: boolean): void {
  v.setUint32(at, x >>> 0, le);
}

export function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Chunks with 8-byte headers and a pad byte after odd bodies (RIFF and IFF alike). */
export function chunks(list: Chunk[], le: boolean): Uint8Array {
  return concat(
    ...list.map(({ id, body, claimedSize }) => {
      const head = new Uint8Array(8);
      head.set(ascii(id.padEnd(4).slice(0, 4)));
      u32(new DataView(head.buffer), 4, claimedSize ?? body.length, le);
      return concat(head, body, body.length & 1 ? new Uint8Array(1) : new Uint8Array(0));
    }),
  );
}

export function riff(list: Chunk[], opts: { magic?: string; le?: boolean; riffSize?: number } = {}): Uint8Array {
  const le = opts.le ?? true;
  const body = chunks(list, le);
  const head = new Uint8Array(12);
  head.set(ascii(opts.magic ?? 'RIFF'));
  u32(new DataView(head.buffer), 4, opts.riffSize ?? body.length + 4, le);
  head.set(ascii('WAVE'), 8);
  return concat(head, body);
}

export interface FmtFields {
  tag: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign?: number;
  /** For WAVE_FORMAT_EXTENSIBLE: sub-format tag and valid bits. */
  extensible?: { subTag: number; validBits?: number; guidTail?: number[] };
}

const GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

export function fmtChunk(f: FmtFields, le = true): Chunk {
  const body = new Uint8Array(f.extensible ? 40 : 16);
  const v = new DataView(body.buffer);
  const blockAlign = f.blockAlign ?? f.channels * Math.ceil(f.bitsPerSample / 8);
  v.setUint16(0, f.extensible ? 0xfffe : f.tag, le);
  v.setUint16(2, f.channels, le);
  u32(v, 4, f.sampleRate, le);
  u32(v, 8, f.sampleRate * blockAlign, le);
  v.setUint16(12, blockAlign, le);
  v.setUint16(14, f.bitsPerSample, le);
  if (f.extensible) {
    v.setUint16(16, 22, le);
    v.setUint16(18, f.extensible.validBits ?? f.bitsPerSample, le);
    u32(v, 20, 0, le);
    v.setUint16(24, f.extensible.subTag, le);
    body.set(f.extensible.guidTail ?? GUID_TAIL, 26);
  }
  return { id: 'fmt ', body };
}

export type SampleEncoding = 'uint8' | 'int16' | 'int24' | 'int32' | 'float32' | 'float64' | 'int24in32';

/** Interleaves channels and encodes them; integer encodings round and clip like a real writer. */
export function encodeSamples(channels: Float32Array[] | number[][], enc: SampleEncoding, le = true): Uint8Array {
  const width = { uint8: 1, int16: 2, int24: 3, int32: 4, float32: 4, float64: 8, int24in32: 4 }[enc];
  const n = channels[0]!.length;
  const out = new Uint8Array(n * channels.length * width);
  const v = new DataView(out.buffer);
  let p = 0;
  const clip = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.round(x)));
  for (let i = 0; i < n; i++) {
    for (const ch of channels) {
      const x = ch[i]!;
      switch (enc) {
        case 'uint8': v.setUint8(p, clip(x * 128 + 128, 0, 255)); break;
        case 'int16': v.setInt16(p, clip(x * 32768, -32768, 32767), le); break;
        case 'int24': {
          const s = clip(x * 8388608, -8388608, 8388607);
          if (le) { v.setUint8(p, s & 0xff); v.setUint8(p + 1, (s >> 8) & 0xff); v.setUint8(p + 2, (s >> 16) & 0xff); }
          else { v.setUint8(p + 2, s & 0xff); v.setUint8(p + 1, (s >> 8) & 0xff); v.setUint8(p, (s >> 16) & 0xff); }
          break;
        }
        case 'int24in32': v.setInt32(p, clip(x * 8388608, -8388608, 8388607) * 256, le); break;
        case 'int32': v.setInt32(p, clip(x * 2147483648, -2147483648, 2147483647), le); break;
        case 'float32': v.setFloat32(p, x, le); break;
        case 'float64': v.setFloat64(p, x, le); break;
      }
      p += width;
    }
  }
  return out;
}

/** A complete, valid WAV file of the given samples. */
export function makeWav(channels: Float32Array[] | number[][], sampleRate: number, enc: SampleEncoding = 'int16', extra: Chunk[] = []): Uint8Array {
  const float = enc === 'float32' || enc === 'float64';
  const bits = { uint8: 8, int16: 16, int24: 24, int32: 32, float32: 32, float64: 64, int24in32: 32 }[enc];
  const fmt = enc === 'int24in32'
    ? fmtChunk({ tag: 1, channels: channels.length, sampleRate, bitsPerSample: 32, extensible: { subTag: 1, validBits: 24 } })
    : fmtChunk({ tag: float ? 3 : 1, channels: channels.length, sampleRate, bitsPerSample: bits });
  return riff([fmt, ...extra, { id: 'data', body: encodeSamples(channels, enc) }]);
}

/** 80-bit IEEE extended, big-endian, for AIFF's sample rate. */
export function extended(x: number): Uint8Array {
  const out = new Uint8Array(10);
  if (x === 0) return out;
  const exp = Math.floor(Math.log2(x));
  const mant = x / 2 ** exp; // [1, 2)
  const e = exp + 16383;
  out[0] = (e >> 8) & 0x7f;
  out[1] = e & 0xff;
  let m = mant * 2 ** 31;
  const hi = Math.floor(m);
  m = (m - hi) * 2 ** 32;
  new DataView(out.buffer).setUint32(2, hi);
  new DataView(out.buffer).setUint32(6, Math.floor(m));
  return out;
}

export function makeAiff(
  channels: Float32Array[] | number[][],
  sampleRate: number,
  opts: { aifc?: string; bits?: 8 | 16 | 24 | 32; frames?: number; before?: Chunk[] } = {},
): Uint8Array {
  const bits = opts.bits ?? 16;
  const n = channels[0]!.length;
  const le = opts.aifc === 'sowt';
  const enc: SampleEncoding = opts.aifc === 'fl32' ? 'float32' : ({ 8: 'uint8', 16: 'int16', 24: 'int24', 32: 'int32' } as const)[bits];
  let data = encodeSamples(channels, enc, le);
  if (enc === 'uint8') data = data.map((b) => (b - 128) & 0xff); // AIFF 8-bit is signed
  const comm = new Uint8Array(opts.aifc ? 24 : 18);
  const v = new DataView(comm.buffer);
  v.setUint16(0, channels.length);
  v.setUint32(2, opts.frames ?? n);
  v.setUint16(6, opts.aifc === 'fl32' ? 32 : bits);
  comm.set(extended(sampleRate), 8);
  if (opts.aifc) {
    comm.set(ascii(opts.aifc), 18);
    comm[22] = 0; // empty Pascal string + pad
  }
  const ssnd = concat(new Uint8Array(8), data);
  const body = chunks([...(opts.before ?? []), { id: 'COMM', body: comm }, { id: 'SSND', body: ssnd }], false);
  const head = new Uint8Array(12);
  head.set(ascii('FORM'));
  new DataView(head.buffer).setUint32(4, body.length + 4);
  head.set(ascii(opts.aifc ? 'AIFC' : 'AIFF'), 8);
  return concat(head, body);
}

export function sine(freq: number, sampleRate: number, seconds: number, amp = 0.5, phase = 0): Float32Array {
  const n = Math.round(seconds * sampleRate);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = amp * Math.sin((2 * Math.PI * freq * i) / sampleRate + phase);
  return out;
}
