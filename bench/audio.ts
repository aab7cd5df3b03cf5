// Audio input: decoding and band-limited resampling, in x-real-time, against baselines measured in the same run.
import { spawnSync } from 'node:child_process';
import { loadAudio, resample } from '@ser/core';
import { medianMs, table } from './timing.js';

const SECONDS = 60;

/** Speech-like test signal: a gliding harmonic series under a syllable-rate envelope, plus a little noise. */
function speechLike(rate: number): Float32Array {
  const x = new Float32Array(SECONDS * rate);
  let phase = 0;
  let seed = 1;
  for (let i = 0; i < x.length; i++) {
    const t = i / rate;
    const f0 = 140 + 40 * Math.sin(2 * Math.PI * 0.7 * t);
    phase += (2 * Math.PI * f0) / rate;
    let v = 0;
    for (let h = 1; h <= 12; h++) v += Math.sin(h * phase) / h;
    seed = (seed * 1103515245 + 12345) >>> 0;
    const env = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t);
    x[i] = 0.2 * env * v + 0.01 * (seed / 2 ** 32 - 0.5);
  }
  return x;
}

function wav16(x: Float32Array, rate: number): Uint8Array {
  const b = new Uint8Array(44 + 2 * x.length);
  const v = new DataView(b.buffer);
  const w = (at: number, s: string) => [...s].forEach((c, i) => v.setUint8(at + i, c.charCodeAt(0)));
  w(0, 'RIFF'); v.setUint32(4, 36 + 2 * x.length, true); w(8, 'WAVE'); w(12, 'fmt ');
  v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true); v.setUint32(24, rate, true);
  v.setUint32(28, 2 * rate, true); v.setUint16(32, 2, true); v.setUint16(34, 16, true); w(36, 'data');
  v.setUint32(40, 2 * x.length, true);
  for (let i = 0; i < x.length; i++) v.setInt16(44 + 2 * i, Math.max(-32768, Math.min(32767, Math.round(x[i]! * 32768))), true);
  return b;
}

/** The thing we refuse to do (it aliases), as a floor for what resampling can cost. */
function linearInterpolate(x: Float32Array, from: number, to: number): Float32Array {
  const y = new Float32Array(Math.ceil((x.length * to) / from));
  for (let m = 0; m < y.length; m++) {
    const t = (m * from) / to;
    const i = Math.floor(t);
    const f = t - i;
    y[m] = (x[i] ?? 0) * (1 - f) + (x[i + 1] ?? 0) * f;
  }
  return y;
}

function soxMs(bytes: Uint8Array, to: number): number | undefined {
  const probe = spawnSync('sox', ['--version']);
  if (probe.status !== 0) return undefined;
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    spawnSync('sox', ['-t', 'wav', '-', '-t', 'raw', '-', 'rate', '-h', String(to)], { input: bytes, maxBuffer: 1 << 28 });
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[1];
}

export async function run(): Promise<void> {
  const rows: (string | number)[][] = [];
  const xrt = (ms: number) => `${((SECONDS * 1000) / ms).toFixed(0)}x`;
  for (const from of [48000, 44100, 22050]) {
    const x = speechLike(from);
    const bytes = wav16(x, from);
    const ours = await medianMs(() => resample(x, from, 16000));
    const linear = await medianMs(() => linearInterpolate(x, from, 16000));
    const decode = await medianMs(() => loadAudio(bytes));
    const decodeResample = await medianMs(() => loadAudio(bytes, { sampleRate: 16000 }));
    const sox = soxMs(bytes, 16000);
    rows.push([
      `${from} -> 16000`,
      xrt(decode),
      xrt(ours),
      xrt(decodeResample),
      xrt(linear),
      (ours / linear).toFixed(1),
      sox === undefined ? 'n/a' : xrt(sox),
    ]);
  }
  console.log(`60 s speech-like mono 16-bit WAV; x-real-time (higher is faster), median of 5`);
  console.log(
    table(['rates', 'decode WAV', 'resample (ours)', 'decode+resample', 'linear interp (baseline)', 'ours / linear time', 'sox -h (process, incl. I/O)'], rows),
  );
}
