import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AudioDecodeError } from '../src/errors.js';
import { FeatureCache } from '../src/features/cache.js';
import { FeatureExtractor } from '../src/features/extractor.js';
import { scratchDir } from './helpers/tools.js';
import { makeWav } from './helpers/wav-builder.js';

const scratch = scratchDir();
afterAll(() => scratch.cleanup());

function tone(freq: number, seconds = 0.5, rate = 16000): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => 0.3 * Math.sin((2 * Math.PI * freq * i) / rate));
}

function listEntries(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

describe('feature cache', () => {
  const audio = join(scratch.dir, 'audio');
  mkdirSync(audio, { recursive: true });
  const files = [220, 330, 440, 550].map((f, i) => {
    const p = join(audio, `clip${i}.wav`);
    writeFileSync(p, makeWav([tone(f)], 16000, 'float32'));
    return p;
  });
  const extractor = new FeatureExtractor({ engine: 'typescript' });
  const cacheDir = join(scratch.dir, 'cache');

  it('extracts once; a second run reads every file from the cache with identical vectors', async () => {
    const first = await new FeatureCache({ dir: cacheDir, preset: 'classic193', extractor }).extractMany(files);
    expect(first.extracted).toBe(4);
    expect(first.cached).toBe(0);
    const second = await new FeatureCache({ dir: cacheDir, preset: 'classic193', extractor }).extractMany(files);
    expect(second.extracted).toBe(0);
    expect(second.cached).toBe(4);
    second.features.forEach((m, i) => {
      expect(m!.rows).toBe(193);
      expect(Array.from(m!.data)).toEqual(Array.from(first.features[i]!.data));
      expect(Array.from(m!.data)).toEqual(Array.from(extractor.classic193(tone([220, 330, 440, 550][i]!), 16000)));
    });
  });

  it('keys on content, not on the path: a renamed copy is a hit', async () => {
    const copy = join(audio, 'renamed.wav');
    copyFileSync(files[0]!, copy);
    const r = await new FeatureCache({ dir: cacheDir, preset: 'classic193', extractor }).extractMany([copy]);
    expect(r.cached).toBe(1);
  });

  it('another preset or sample rate gets its own entries', async () => {
    const r = await new FeatureCache({ dir: cacheDir, preset: 'classic193', extractor, sampleRate: 22050 }).extractMany(files.slice(0, 1));
    expect(r.extracted).toBe(1);
  });

  it('resumes after an interrupt: entries written before the abort are reused', async () => {
    const dir = join(scratch.dir, 'cache-resume');
    const controller = new AbortController();
    const cache = new FeatureCache({ dir, preset: 'classic193', extractor, batchSize: 1 });
    await expect(
      cache.extractMany(files, { signal: controller.signal, onProgress: (p) => p.done >= 2 && controller.abort() }),
    ).rejects.toThrow(/interrupted; run it again to resume/);
    const resumed = await cache.extractMany(files);
    expect(resumed.cached).toBe(2);
    expect(resumed.extracted).toBe(2);
  });

  it('a damaged entry is recomputed, never trusted', async () => {
    const dir = join(scratch.dir, 'cache-damaged');
    const cache = new FeatureCache({ dir, preset: 'classic193', extractor });
    await cache.extractMany(files.slice(0, 1));
    const [entry] = listEntries(dir);
    writeFileSync(entry!, Buffer.from('SERF-but-truncated'));
    const r = await cache.extractMany(files.slice(0, 1));
    expect(r.extracted).toBe(1);
    expect(r.features[0]!.rows).toBe(193);
  });

  it('an undecodable file is reported with its name and the rest still extracted', async () => {
    const bad = join(audio, 'broken.wav');
    writeFileSync(bad, Buffer.from('RIFF\x10\x00\x00\x00WAVEjunk'));
    const r = await new FeatureCache({ dir: cacheDir, preset: 'classic193', extractor }).extractMany([bad, files[1]!, join(audio, 'missing.wav')]);
    expect(r.features[0]).toBeNull();
    expect(r.features[1]!.rows).toBe(193);
    expect(r.failures.map((f) => f.path)).toEqual([bad, join(audio, 'missing.wav')]);
    expect(r.failures.every((f) => f.error instanceof AudioDecodeError)).toBe(true);
  });

  it('the engine is part of the key', () => {
    const a = new FeatureCache({ dir: cacheDir, preset: 'classic193', extractor });
    expect(a.configDir).toContain('classic193-');
    expect(extractor.engineId).toMatch(/^typescript@r\d+$/);
    rmSync(join(scratch.dir, 'cache-damaged'), { recursive: true, force: true });
  });
});
