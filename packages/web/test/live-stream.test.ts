/**
 * The Live page's stream logic without a browser: the ring buffer, the voice gate, and LiveStream's ticks (one
 * report per second of audio, silence when the gate stays shut, reports in time order, nothing after close).
 */
import { describe, expect, it } from 'vitest';
import { AudioRing } from '../lib/browser/audio-ring';
import { FrameLevels } from '../lib/browser/frame-levels';
import type { LivePrediction } from '../lib/browser/live-protocol';
import { LiveStream, type Classify } from '../lib/browser/live-stream';
import { VoiceGate } from '../lib/browser/voice-gate';

const RATE = 48_000;

/** A voice-like tone (a 150 Hz fundamental with harmonics, at about -20 dBFS) or quiet hiss, `seconds` long. */
function signal(kind: 'voice' | 'hiss', seconds: number, offset = 0): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE));
  let seed = 12345 + offset;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  for (let i = 0; i < out.length; i++) {
    const t = (i + offset) / RATE;
    out[i] =
      kind === 'voice'
        ? 0.08 * (Math.sin(2 * Math.PI * 150 * t) + 0.5 * Math.sin(2 * Math.PI * 300 * t) + 0.25 * Math.sin(2 * Math.PI * 450 * t))
        : 0.001 * noise();
  }
  return out;
}

/** Pushes `samples` in chunks of 40 ms, as the capture worklet posts them. */
function pushChunked(stream: LiveStream, samples: Float32Array): void {
  const chunk = 1920;
  for (let at = 0; at < samples.length; at += chunk) stream.push(samples.slice(at, at + chunk));
}

function collect(classify: Classify) {
  const reports: LivePrediction[] = [];
  const levels: number[] = [];
  const errors: string[] = [];
  const stream = new LiveStream({
    inputRate: RATE,
    modelRate: 16_000,
    classify,
    onLevel: (l) => levels.push(l.db),
    onPrediction: (p) => reports.push(p),
    onError: (m) => errors.push(m),
  });
  return { stream, reports, levels, errors };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('AudioRing', () => {
  it('keeps the last samples in order across wrap-around and oversized pushes', () => {
    const ring = new AudioRing(5);
    ring.push(Float32Array.of(1, 2, 3));
    expect(Array.from(ring.snapshot())).toEqual([1, 2, 3]);
    ring.push(Float32Array.of(4, 5, 6, 7));
    expect(Array.from(ring.snapshot())).toEqual([3, 4, 5, 6, 7]);
    ring.push(Float32Array.of(8, 9, 10, 11, 12, 13));
    expect(Array.from(ring.snapshot())).toEqual([9, 10, 11, 12, 13]);
    ring.clear();
    expect(ring.length).toBe(0);
  });
});

describe('VoiceGate', () => {
  const frame = 0.02;
  it('opens on speech well above the noise floor after the attack, and closes after the hangover', () => {
    const gate = new VoiceGate();
    for (let i = 0; i < 50; i++) gate.update({ db: -60, flatness: 0.8 }, frame);
    expect(gate.open).toBe(false);
    expect(gate.floorDb).toBeCloseTo(-60);
    expect(gate.update({ db: -25, flatness: 0.1 }, frame)).toBe(false); // one frame is a click
    expect(gate.update({ db: -25, flatness: 0.1 }, frame)).toBe(true);
    // A short pause inside a sentence keeps it open; a longer one closes it.
    for (let i = 0; i < 10; i++) expect(gate.update({ db: -60, flatness: 0.8 }, frame)).toBe(true);
    for (let i = 0; i < 10; i++) gate.update({ db: -60, flatness: 0.8 }, frame);
    expect(gate.open).toBe(false);
  });

  it('stays shut for loud flat noise, for sounds below the absolute minimum, and for digital silence', () => {
    const gate = new VoiceGate();
    for (let i = 0; i < 20; i++) gate.update({ db: -70, flatness: 0.9 }, frame);
    for (let i = 0; i < 20; i++) expect(gate.update({ db: -20, flatness: 0.9 }, frame)).toBe(false);
    const quiet = new VoiceGate();
    for (let i = 0; i < 20; i++) quiet.update({ db: -Infinity, flatness: Number.NaN }, frame);
    for (let i = 0; i < 20; i++) expect(quiet.update({ db: -70, flatness: 0.1 }, frame)).toBe(false);
  });

  it('lets the floor creep up slowly, so a steady hum becomes background', () => {
    const gate = new VoiceGate({ floorRiseDbPerSecond: 3 });
    gate.update({ db: -60, flatness: 0.5 }, frame);
    for (let i = 0; i < 50; i++) gate.update({ db: -40, flatness: 0.9 }, frame); // 1 s
    expect(gate.floorDb).toBeCloseTo(-57, 5);
  });
});

describe('FrameLevels', () => {
  it('measures the RMS of a full-scale sine as -3 dBFS whatever the chunking', () => {
    const levels = new FrameLevels(RATE);
    expect(levels.frameSize).toBe(1024);
    const sine = new Float32Array(RATE / 10).map((_, i) => Math.sin((2 * Math.PI * 1000 * i) / RATE));
    const db: number[] = [];
    for (let at = 0; at < sine.length; at += 700) levels.push(sine.subarray(at, at + 700), (f) => db.push(f.db));
    expect(db.length).toBe(Math.floor(sine.length / 1024));
    for (const d of db) expect(d).toBeCloseTo(-3.01, 0);
  });
});

describe('LiveStream', () => {
  /** Hiss, then voice, then hiss: the shape of someone saying a sentence in a quiet room. */
  const sentence = (hiss: number, voice: number, after: number) => {
    const parts = [signal('hiss', hiss), signal('voice', voice, hiss * RATE), signal('hiss', after, (hiss + voice) * RATE)];
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
    return out;
  };

  it('reports once per second of audio: predictions on speech, silence otherwise, in time order', async () => {
    const seen: number[] = [];
    const { stream, reports, levels, errors } = collect(async (samples) => {
      seen.push(samples.length);
      return { label: 'angry', scores: { angry: 0.9, sad: 0.1 } };
    });
    const audio = sentence(2, 3, 2);
    // A second at a time, letting each prediction finish, as real time does.
    for (let s = 0; s < 7; s++) {
      pushChunked(stream, audio.subarray(s * RATE, (s + 1) * RATE));
      await flush();
    }
    expect(errors).toEqual([]);
    expect(reports.map((r) => r.time)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // Second 6 starts with the gate's hangover after the voice: 0.3 s open is enough to classify it.
    expect(reports.map((r) => r.label)).toEqual([null, null, 'angry', 'angry', 'angry', 'angry', null]);
    expect(reports[2]!.scores).toEqual({ angry: 0.9, sad: 0.1 });
    expect(reports[0]!.voiced).toBe(false);
    // The window is the last 3 s at the model's rate.
    for (const n of seen) expect(n).toBeGreaterThan(47_900); // the resampler holds back a few samples of look-ahead
    for (const n of seen) expect(n).toBeLessThanOrEqual(48_000);
    expect(Math.max(...levels)).toBeGreaterThan(-25);
    expect(Math.min(...levels)).toBeLessThan(-50);
  });

  it('collapses ticks that arrive while a slow prediction runs, and reports nothing after close', async () => {
    const pending: (() => void)[] = [];
    const { stream, reports } = collect(
      () => new Promise((resolve) => pending.push(() => resolve({ label: 'sad', scores: { sad: 1 } }))),
    );
    const audio = sentence(1, 4, 0);
    pushChunked(stream, audio.subarray(0, 4 * RATE));
    await flush();
    // Second 1 was silence; second 2 is being classified; seconds 3 and 4 wait as one (the latest).
    expect(reports.map((r) => r.time)).toEqual([1]);
    pending.shift()!();
    await flush();
    expect(reports.map((r) => [r.time, r.label])).toEqual([
      [1, null],
      [2, 'sad'],
    ]);
    pending.shift()!();
    await flush();
    expect(reports.map((r) => r.time)).toEqual([1, 2, 4]);
    pushChunked(stream, audio.subarray(4 * RATE));
    stream.close();
    for (const release of pending) release();
    await flush();
    expect(reports.map((r) => r.time)).toEqual([1, 2, 4]);
  });
});
