/**
 * Compressed decompression bombs: a FLAC of eleven hours of silence fits in 70 KB. loadAudio must refuse it by its
 * duration limit without first decoding it all (which would take 1.3 GB for this one, and any amount for others).
 */
import { describe, expect, it } from 'vitest';
import { AudioDecodeError, loadAudio } from '../src/index.js';
import { flac } from './helpers/flac-builder.js';

describe('compressed bombs', () => {
  const bomb = flac({ sampleRate: 8000, channels: 1, blockSize: 65535, silentFrames: 5000 }); // 327 M samples, 11.4 h

  it('an 11-hour FLAC of silence in 70 KB is refused by the duration limit, with little memory', async () => {
    expect(bomb.byteLength).toBeLessThan(100_000);
    const before = process.memoryUsage().rss;
    const err = await loadAudio(bomb, { name: 'bomb.flac' }).then(() => undefined, (e: unknown) => e);
    const grew = process.memoryUsage().rss - before;
    expect(err).toBeInstanceOf(AudioDecodeError);
    expect(String((err as Error).message)).toMatch(/bomb\.flac: \d+ s of audio is over the limit of 7200 s/);
    expect(grew).toBeLessThan(400 * 2 ** 20); // the whole decode would be 1.3 GB of float32
  }, 60_000);

  it('a lower limit refuses sooner; a FLAC under the limit still decodes whole and exact', async () => {
    await expect(loadAudio(flac({ sampleRate: 8000, channels: 1, blockSize: 4000, silentFrames: 20 }), { maxDurationSec: 5 })).rejects.toThrow(/10 s of audio is over the limit of 5 s/);
    const samples = Int16Array.from({ length: 9000 }, (_, i) => Math.round(8000 * Math.sin(i / 10)));
    const a = await loadAudio(flac({ sampleRate: 16000, channels: 1, blockSize: 4096, samples }));
    expect(a.samples.length).toBe(9000);
    expect(a.samples[123]).toBeCloseTo(samples[123]! / 32768, 6);
  });
});
