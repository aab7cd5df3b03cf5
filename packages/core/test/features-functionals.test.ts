/**
 * The `functionals` preset: the pitch track finds the pitch of voiced sounds and rejects noise, the statistics
 * describe what a listener hears (pitch level and range, pauses), and both engines give the same vector.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FUNCTIONALS_LENGTH,
  FeatureExtractor,
  PRESETS,
  createRng,
  loadAudio,
  functionalNames,
  functionalsRequest,
  isVectorPreset,
  pitchTrack,
  vectorLength,
} from '../src/index.js';

const RATE = 16000;
const WIN = functionalsRequest(RATE).stft.winLength;

/** A voiced sound: five harmonics of a pitch contour f0(t) in Hz. */
function voiced(seconds: number, f0: (t: number) => number, rate = RATE): Float32Array {
  const x = new Float32Array(Math.round(seconds * rate));
  let phase = 0;
  for (let i = 0; i < x.length; i++) {
    phase += (2 * Math.PI * f0(i / rate)) / rate;
    let v = 0;
    for (let h = 1; h <= 5; h++) v += Math.sin(h * phase) / h;
    x[i] = 0.3 * v;
  }
  return x;
}

function median(v: ArrayLike<number>): number {
  const s = Float64Array.from(v).sort();
  return s[Math.floor(s.length / 2)]!;
}

const valueOf = (v: Float32Array, name: string) => v[functionalNames().indexOf(name)]!;

describe('pitch track', () => {
  const fx = new FeatureExtractor();
  const spectrum = (x: Float32Array, rate = RATE) => fx.compute(x, rate, ['stft'], { stft: functionalsRequest(rate).stft }).stft!;

  it.each([90, 140, 230, 380])('finds the pitch of a %d Hz voice within 1.5%%', (f0) => {
    const track = pitchTrack(spectrum(voiced(1, () => f0)), RATE, WIN);
    expect(Math.abs(median(track.f0) / f0 - 1)).toBeLessThan(0.015);
    expect(median(track.voicing)).toBeGreaterThan(0.8);
  });

  it('calls white noise unvoiced', () => {
    const rng = createRng(3);
    const noise = Float32Array.from({ length: RATE }, () => 0.3 * (rng.next() * 2 - 1));
    const track = pitchTrack(spectrum(noise), RATE, WIN);
    expect(median(track.voicing)).toBeLessThan(0.3);
  });

  it('gives frame energy in dB: halving the amplitude lowers it by 6 dB', () => {
    const x = voiced(0.5, () => 150);
    const loud = pitchTrack(spectrum(x), RATE, WIN).energyDb;
    const soft = pitchTrack(spectrum(x.map((v) => v / 2)), RATE, WIN).energyDb;
    expect(median(loud) - median(soft)).toBeCloseTo(20 * Math.log10(2), 3);
  });
});

describe('functionals preset', () => {
  const fx = new FeatureExtractor();

  it('is a vector preset with one name per value', () => {
    const names = functionalNames();
    expect(names).toHaveLength(FUNCTIONALS_LENGTH);
    expect(new Set(names).size).toBe(names.length);
    expect(isVectorPreset('functionals')).toBe(true);
    expect(isVectorPreset('logmel')).toBe(false);
    expect(vectorLength('functionals')).toBe(FUNCTIONALS_LENGTH);
    expect(PRESETS.functionals.vectorLength).toBe(FUNCTIONALS_LENGTH);
    expect(fx.extract(voiced(0.5, () => 150), RATE, 'functionals')).toHaveLength(FUNCTIONALS_LENGTH);
  });

  it('measures pitch level and range in semitones, and pauses', () => {
    // 1 s glide from 120 to 240 Hz (one octave, linear in semitones), then 1 s of silence.
    const glide = voiced(1, (t) => 120 * 2 ** t);
    const x = new Float32Array(2 * RATE);
    x.set(glide);
    const v = fx.functionals(x, RATE);
    const semitones = (hz: number) => 12 * Math.log2(hz / 100);
    expect(valueOf(v, 'pitch_semitones_p50')).toBeCloseTo(semitones(120 * Math.SQRT2), 0);
    // p95 - p05 of a 12-semitone glide: 10.8 semitones
    expect(valueOf(v, 'pitch_semitones_range')).toBeGreaterThan(10);
    expect(valueOf(v, 'pitch_semitones_range')).toBeLessThan(11.6);
    expect(valueOf(v, 'voiced_fraction')).toBeGreaterThan(0.95);
    // half the frames are silence
    expect(valueOf(v, 'active_fraction')).toBeGreaterThan(0.45);
    expect(valueOf(v, 'active_fraction')).toBeLessThan(0.55);

    const flat = fx.functionals(voiced(1, () => 200), RATE);
    expect(valueOf(flat, 'pitch_semitones_mean')).toBeCloseTo(semitones(200), 0);
    expect(valueOf(flat, 'pitch_semitones_std')).toBeLessThan(0.2);
    expect(valueOf(flat, 'active_fraction')).toBeGreaterThan(0.95);
  });

  it('describes the same voice alike at 16 and 48 kHz', () => {
    const contour = (t: number) => 130 + 60 * Math.sin(2 * Math.PI * 1.5 * t);
    const a = fx.functionals(voiced(1.5, contour), RATE);
    const b = fx.functionals(voiced(1.5, contour, 48000), 48000);
    for (const name of ['pitch_semitones_mean', 'pitch_semitones_p10', 'pitch_semitones_p90', 'pitch_semitones_range']) {
      expect(Math.abs(valueOf(a, name) - valueOf(b, name)), name).toBeLessThan(0.25);
    }
  });

  it('gives the same vector on the native and TypeScript engines (a real recording)', async () => {
    const wav = await loadAudio(join(import.meta.dirname, '..', '..', '..', 'samples', 'hello.wav'));
    const native = new FeatureExtractor({ engine: 'auto' });
    const ts = new FeatureExtractor({ engine: 'typescript' });
    const a = native.functionals(wav.samples, wav.sampleRate);
    const b = ts.functionals(wav.samples, wav.sampleRate);
    const names = functionalNames();
    for (let i = 0; i < a.length; i++) {
      expect(Math.abs(a[i]! - b[i]!), names[i]).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(a[i]!)));
    }
  });
});
