import { createRng } from '@ser/core';
import { describe, expect, it } from 'vitest';
import { addNoise, applyGain, augmentCopies, augmentDataset, augmentWaveform, bandLimit, power, speedPerturb, timeShift } from '../src/index.js';

const sr = 16000;
const tone = (seconds: number, hz = 440) => Float32Array.from({ length: Math.round(seconds * sr) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / sr));
const snrDb = (clean: Float32Array, noisy: Float32Array) => 10 * Math.log10(power(clean) / power(noisy.map((v, i) => v - clean[i]!)));

describe('waveform augmentation', () => {
  it('band limit (as if recorded at 44.1 kHz): keeps 1 kHz, removes 7.8 kHz, keeps the length', () => {
    const rate = 16000;
    const tone = (f: number) => Float32Array.from({ length: rate }, (_, i) => Math.sin((2 * Math.PI * f * i) / rate));
    const mid = (x: Float32Array) => x.subarray(2000, rate - 2000); // away from the edges' filter transients
    for (const via of [44100, 48000]) {
      const low = bandLimit(tone(1000), rate, via);
      const high = bandLimit(tone(7800), rate, via);
      expect(low.length).toBe(rate);
      expect(high.length).toBe(rate);
      expect(power(mid(low)) / power(mid(tone(1000)))).toBeCloseTo(1, 2);
      expect(10 * Math.log10(power(mid(high)) / power(mid(tone(7800))))).toBeLessThan(-40);
    }
  });

  it('noise at SNR 10 dB has an SNR of 10 dB, and other SNRs likewise', () => {
    const clean = tone(1);
    for (const snr of [0, 10, 25]) expect(snrDb(clean, addNoise(clean, snr, createRng(1)))).toBeCloseTo(snr, 2);
    expect(addNoise(new Float32Array(100), 10, createRng(1)).every((v) => v === 0)).toBe(true);
  });

  it('gain multiplies by 10^(dB/20)', () => {
    const clean = tone(0.1);
    const louder = applyGain(clean, 6);
    expect(louder[123]! / clean[123]!).toBeCloseTo(10 ** (6 / 20), 5);
    expect(10 * Math.log10(power(applyGain(clean, -12)) / power(clean))).toBeCloseTo(-12, 4);
  });

  it('time shift delays or advances with zeros, keeping the length', () => {
    const x = Float32Array.of(1, 2, 3, 4, 5);
    expect(Array.from(timeShift(x, 2))).toEqual([0, 0, 1, 2, 3]);
    expect(Array.from(timeShift(x, -2))).toEqual([3, 4, 5, 0, 0]);
    expect(Array.from(timeShift(x, 9))).toEqual([0, 0, 0, 0, 0]);
  });

  it('speed 1.1 shortens by 1/1.1 and raises the pitch by 1.1', () => {
    const clean = tone(1, 500);
    const fast = speedPerturb(clean, 1.1, sr);
    expect(fast.length).toBe(Math.round(clean.length / 1.1));
    expect(speedPerturb(clean, 0.9, sr).length).toBe(Math.round(clean.length / 0.9));
    // Zero crossings per second: 2 x frequency.
    const mid = fast.subarray(1000, fast.length - 1000);
    let crossings = 0;
    for (let i = 1; i < mid.length; i++) if (mid[i - 1]! < 0 !== mid[i]! < 0) crossings++;
    expect((crossings / 2 / mid.length) * sr).toBeCloseTo(550, -1);
    expect(() => speedPerturb(clean, 3, sr)).toThrow(/outside/);
  });

  it('augmentWaveform repeats for a seed and differs across seeds; the input is untouched', () => {
    const clean = tone(0.5);
    const copy = Float32Array.from(clean);
    const a = augmentWaveform(clean, sr, createRng(4));
    const b = augmentWaveform(clean, sr, createRng(4));
    const c = augmentWaveform(clean, sr, createRng(5));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(clean).toEqual(copy);
  });

  it('augmentCopies gives K distinct copies; augmentDataset featurises each with its source', async () => {
    const utterances = [tone(0.3, 300), tone(0.4, 600)];
    const copies = augmentCopies(utterances[0]!, sr, 3, 0, 0);
    expect(copies).toHaveLength(3);
    expect(new Set(copies.map((c) => c.slice(0, 50).join())).size).toBe(3);
    const calls: [number, number][] = [];
    const out = await augmentDataset(2, (i) => utterances[i]!, (s, i, j) => {
      calls.push([i, j]);
      return Float32Array.of(power(s));
    }, { copies: 2, seed: 7 });
    expect(out.source).toEqual([0, 0, 1, 1]);
    expect(out.features).toHaveLength(4);
    expect(calls).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
  });
});
