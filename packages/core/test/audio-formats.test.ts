import { afterAll, describe, expect, it } from 'vitest';
import { loadAudio, openAudioStream } from '../src/index.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWav, sine } from './helpers/wav-builder.js';
import { hasTool, opusEncode, scratchDir, soxConvert } from './helpers/tools.js';

/** Magnitude of one frequency (Goertzel), normalised so a full-length sine of amplitude A gives A. */
function toneAmplitude(x: Float32Array, freq: number, rate: number): number {
  const w = (2 * Math.PI * freq) / rate;
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    re += x[i]! * Math.cos(w * i);
    im -= x[i]! * Math.sin(w * i);
  }
  return (2 * Math.hypot(re, im)) / x.length;
}

const haveSox = hasTool('sox');
const haveOpus = hasTool('opusenc');
if (!haveSox) console.warn('sox is not installed: compressed-format tests are skipped (apt-get install sox libsox-fmt-all)');

describe.skipIf(!haveSox)('formats written by sox', () => {
  const { dir, cleanup } = scratchDir();
  afterAll(cleanup);
  const left = sine(440, 44100, 1, 0.5);
  const right = sine(660, 44100, 1, 0.25);
  const wav16 = makeWav([left, right], 44100, 'int16');

  it('FLAC decodes losslessly (bit-exact against the 16-bit source)', async () => {
    const flac = soxConvert(wav16, 'a.flac', [], dir);
    const ref = await loadAudio(wav16, { mono: false });
    const a = await loadAudio(flac, { mono: false });
    expect(a.format).toBe('flac');
    expect(a.channels).toBe(2);
    expect(a.sampleRate).toBe(44100);
    expect(Array.from(a.channelData[1]!.subarray(0, 2000))).toEqual(Array.from(ref.channelData[1]!.subarray(0, 2000)));
    expect(a.channelData[0]!.length).toBe(ref.channelData[0]!.length);
  });

  it('24-bit FLAC decodes bit-exactly against the same audio as 24-bit WAV', async () => {
    const wav24 = makeWav([left], 44100, 'int24');
    const a = await loadAudio(soxConvert(wav24, 'b24.flac', [], dir));
    const ref = await loadAudio(wav24);
    expect(a.bitsPerSample).toBe(24);
    expect(Array.from(a.samples)).toEqual(Array.from(ref.samples));
  });

  for (const [name, args, format] of [
    ['a.mp3', ['-C', '192'], 'mp3'],
    ['a.ogg', [], 'ogg-vorbis'],
  ] as const) {
    it(`${format} decodes to the right tones, channels and duration`, async () => {
      const bytes = soxConvert(wav16, name, [...args], dir);
      const a = await loadAudio(bytes, { mono: false });
      expect(a.format).toBe(format);
      expect(a.channels).toBe(2);
      expect(a.durationSec).toBeGreaterThan(0.99);
      expect(a.durationSec).toBeLessThan(1.1); // MP3 keeps its encoder delay and padding
      expect(toneAmplitude(a.channelData[0]!, 440, a.sampleRate)).toBeGreaterThan(0.45);
      expect(toneAmplitude(a.channelData[1]!, 660, a.sampleRate)).toBeGreaterThan(0.22);
      expect(toneAmplitude(a.channelData[1]!, 440, a.sampleRate)).toBeLessThan(0.02);
    });
  }

  it.skipIf(!haveOpus)('Ogg Opus decodes at 48 kHz with the right tone', async () => {
    const a = await loadAudio(opusEncode(wav16, dir));
    expect(a.format).toBe('ogg-opus');
    expect(a.sampleRate).toBe(48000);
    expect(a.durationSec).toBeCloseTo(1, 1);
    expect(toneAmplitude(a.samples, 440, 48000)).toBeGreaterThan(0.2);
  });

  it('sox 24-bit, float, A-law and AIFF-C outputs decode to the same signal', async () => {
    const ref = await loadAudio(wav16, { mono: false });
    for (const [name, args, tol] of [
      ['b24.wav', ['-b', '24'], 1e-4],
      ['f32.wav', ['-e', 'floating-point', '-b', '32'], 1e-4],
      ['alaw.wav', ['-e', 'a-law'], 0.02],
      ['x.aifc', ['-e', 'floating-point', '-b', '32'], 1e-4],
      ['x.aiff', ['-b', '24'], 1e-4],
    ] as const) {
      const a = await loadAudio(soxConvert(wav16, name, [...args], dir), { mono: false });
      let worst = 0;
      for (let i = 0; i < a.channelData[0]!.length; i++) worst = Math.max(worst, Math.abs(a.channelData[0]![i]! - ref.channelData[0]![i]!));
      expect(worst, name).toBeLessThan(tol);
    }
  });

  it('resamples a decoded MP3 to 16 kHz keeping the tone', async () => {
    const a = await loadAudio(soxConvert(wav16, 'c.mp3', [], dir), { sampleRate: 16000 });
    expect(a.sampleRate).toBe(16000);
    expect(a.sourceSampleRate).toBe(44100);
    expect(toneAmplitude(a.samples, 440, 16000)).toBeGreaterThan(0.2); // mono mix halves each tone
  });

  it('streams compressed files block by block with the same samples as loadAudio', async () => {
    for (const name of ['s.flac', 's.ogg']) {
      const path = join(dir, `stream-${name}`);
      writeFileSync(path, soxConvert(wav16, name, [], dir));
      const whole = await loadAudio(path, { sampleRate: 16000 });
      const stream = await openAudioStream(path, { sampleRate: 16000 });
      expect(stream.info.format).toBe(name.endsWith('flac') ? 'flac' : 'ogg-vorbis');
      const parts: Float32Array[] = [];
      for await (const block of stream) parts.push(block.samples);
      const joined = Float32Array.from(parts.flatMap((p) => Array.from(p)));
      expect(joined.length).toBe(whole.samples.length);
      let worst = 0;
      for (let i = 0; i < joined.length; i++) worst = Math.max(worst, Math.abs(joined[i]! - whole.samples[i]!));
      expect(worst).toBeLessThan(1e-6);
    }
  });
});
