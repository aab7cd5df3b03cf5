import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AudioDecodeError, loadAudio, openAudioStream } from '../src/index.js';
import { makeAiff, makeWav, sine } from './helpers/wav-builder.js';
import { scratchDir } from './helpers/tools.js';

describe('openAudioStream', () => {
  const { dir, cleanup } = scratchDir();
  afterAll(cleanup);
  const left = sine(300, 48000, 3.3, 0.4);
  const right = sine(1200, 48000, 3.3, 0.3);

  for (const [name, bytes] of [
    ['long.wav', makeWav([left, right], 48000, 'int24')],
    ['long.aiff', makeAiff([left, right], 48000, { bits: 16 })],
  ] as const) {
    it(`${name}: blocks concatenate to exactly what loadAudio returns (mono, resampled)`, async () => {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      const whole = await loadAudio(path, { sampleRate: 16000 });
      const stream = await openAudioStream(path, { sampleRate: 16000, blockFrames: 4999 });
      expect(stream.info).toMatchObject({ sourceSampleRate: 48000, sampleRate: 16000, channels: 2 });
      expect(stream.info.durationSec).toBeCloseTo(3.3, 6);
      const out = new Float32Array(whole.samples.length);
      let at = 0;
      let blocks = 0;
      for await (const b of stream) {
        expect(b.startSec).toBeCloseTo(at / 16000, 9);
        out.set(b.samples, at);
        at += b.samples.length;
        blocks++;
        expect(b.samples.length).toBeLessThanOrEqual(5000); // bounded by blockFrames, not the file
      }
      expect(at).toBe(whole.samples.length);
      expect(blocks).toBeGreaterThan(30);
      let worst = 0;
      for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i]! - whole.samples[i]!));
      expect(worst).toBeLessThan(1e-6);
    });
  }

  it('keeps channels apart when mono is false', async () => {
    const path = join(dir, 'stereo.wav');
    writeFileSync(path, makeWav([left, right], 48000, 'float32'));
    const stream = await openAudioStream(path, { mono: false });
    let n = 0;
    for await (const b of stream) {
      expect(b.channelData).toHaveLength(2);
      expect(Array.from(b.channelData[0]!.subarray(0, 3))).toEqual(Array.from(left.subarray(n, n + 3)));
      n += b.channelData[0]!.length;
    }
    expect(n).toBe(left.length);
  });

  it('rejects hostile files before the first block with AudioDecodeError', async () => {
    const path = join(dir, 'junk.wav');
    writeFileSync(path, new Uint8Array(100).fill(0x41));
    await expect(openAudioStream(path)).rejects.toBeInstanceOf(AudioDecodeError);
    await expect(openAudioStream(join(dir, 'missing.wav'))).rejects.toThrow(/no such file/);
  });

  it('can be closed early without reading the rest', async () => {
    const path = join(dir, 'early.wav');
    writeFileSync(path, makeWav([left], 48000, 'int16'));
    const stream = await openAudioStream(path, { blockFrames: 1000 });
    for await (const b of stream) {
      expect(b.samples.length).toBe(1000);
      break;
    }
    await stream.close();
  });
});
