// Test helpers: a tiny PCM WAV reader, the librosa fixtures, and whether the addon is available.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadNativeEngine, defaultRequest } from '../src/index.js';
import type { FeatureName, FeatureRequest, NativeEngine } from '../src/index.js';

export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures', 'librosa');

/** Reads a 16-bit PCM mono WAV as int16 / 32768 (what soundfile.read(dtype='float32') gives). */
export function readWav16(bytes: Uint8Array): { samples: Float32Array; sampleRate: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (o: number) => String.fromCharCode(bytes[o]!, bytes[o + 1]!, bytes[o + 2]!, bytes[o + 3]!);
  if (bytes.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let sampleRate = 0;
  let channels = 0;
  let bits = 0;
  let format = 0;
  let data: { offset: number; size: number } | undefined;
  for (let o = 12; o + 8 <= bytes.byteLength; ) {
    const id = tag(o);
    const size = view.getUint32(o + 4, true);
    const body = o + 8;
    if (id === 'fmt ') {
      format = view.getUint16(body, true);
      channels = view.getUint16(body + 2, true);
      sampleRate = view.getUint32(body + 4, true);
      bits = view.getUint16(body + 14, true);
    } else if (id === 'data') {
      data = { offset: body, size: Math.min(size, bytes.byteLength - body) };
    }
    o = body + size + (size % 2); // chunks are word-aligned
  }
  if (format !== 1 || bits !== 16 || channels !== 1) {
    throw new Error(`expected 16-bit PCM mono, got format ${format}, ${bits} bits, ${channels} channels`);
  }
  if (!data) throw new Error('no data chunk');
  const n = Math.floor(data.size / 2);
  const samples = new Float32Array(n);
  for (let i = 0; i < n; i++) samples[i] = view.getInt16(data.offset + 2 * i, true) / 32768;
  return { samples, sampleRate };
}

export interface Fixture {
  name: string;
  sr: number;
  n_samples: number;
  n_frames: number;
  params: { chroma_stft: { tuning_estimated: number } };
  stft_mag_first3: number[][];
  melspectrogram: number[][];
  mfcc: number[][];
  chroma_stft: number[][];
  spectral_contrast: number[][];
  chroma_cqt_harmonic: number[][];
  tonnetz: number[][];
}

export function fixtureNames(): string[] {
  return readdirSync(fixturesDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

export function loadFixture(name: string): { fixture: Fixture; samples: Float32Array; sampleRate: number } {
  const fixture = JSON.parse(readFileSync(join(fixturesDir, `${name}.json`), 'utf8')) as Fixture;
  const wav = readWav16(readFileSync(join(fixturesDir, `${name}.wav`)));
  return { fixture, ...wav };
}

/** The engine, or the reason it is unavailable (tests skip then, unless SER_REQUIRE_NATIVE=1 makes it fatal). */
export function tryEngine(): { engine?: NativeEngine; reason?: string } {
  try {
    return { engine: loadNativeEngine() };
  } catch (e) {
    if (process.env['SER_REQUIRE_NATIVE'] === '1' || process.env['SER_NATIVE_PATH']) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    console.warn(`@ser/native tests skipped: ${reason}`);
    return { reason };
  }
}

export function request(sampleRate: number, features: FeatureName[]): FeatureRequest {
  return defaultRequest(sampleRate, features);
}

/** Running under the ASan build (test:asan): smaller workloads, no timing assertions. */
export const underAsan = process.env['SER_NATIVE_ASAN'] === '1';

/** Deterministic white noise in [-amp, amp). */
export function noise(n: number, seed = 1, amp = 0.1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = (s / 4294967296 - 0.5) * 2 * amp;
  }
  return out;
}
