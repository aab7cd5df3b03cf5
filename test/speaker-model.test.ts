/**
 * The shipped per-speaker model (models/speaker-norm/, `npm run train:speaker-norm`): what its card promises, and
 * that it reads each recording against the speaker's own average: a speaker recorded through another microphone
 * (quieter, or with another frequency response) gets the same labels, since what the microphone does to every
 * recording alike is standardised away with the speaker.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EmotionModel, loadAudio } from '@ser/core';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'node_modules', '.bin', 'ser');
const model = join(root, 'models', 'speaker-norm');
const emodb = join(process.env.SER_DATA_DIR ?? join(root, '..', 'shared', 'data'), 'emodb', 'wav');
const haveModel = existsSync(join(model, 'card.json'));
if (!existsSync(emodb)) console.warn(`per-speaker model tests on EMO-DB skipped: no EMO-DB at ${emodb} (set SER_DATA_DIR)`);

describe.skipIf(!haveModel)('the per-speaker model', () => {
  it('has a card that asks for 10+ recordings of one speaker, cross-validation figures, and a verified export under 10 MB', () => {
    const card = JSON.parse(readFileSync(join(model, 'card.json'), 'utf8'));
    expect(card.speakerStandardisation).toEqual({ minRecordings: 10 });
    expect(card.input).toMatchObject({ preset: 'functionals', sampleRate: 16000, shape: [427] });
    expect(card.training.crossValidation.map((c: { protocol: string }) => c.protocol)).toEqual([
      expect.stringMatching(/leave-one-speaker-out.*per-speaker standardisation/),
      expect.stringMatching(/5-fold.*per-speaker standardisation/),
    ]);
    expect(card.training.onnxParity.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    expect(statSync(join(model, 'model.onnx')).size).toBeLessThanOrEqual(10 * 1024 * 1024);
  });

  it.skipIf(!existsSync(emodb))('keeps the labels of a speaker recorded through another microphone: 12 dB quieter, or bright and thin (>= 90% of speaker 03)', async () => {
    const m = await EmotionModel.load(model);
    const files = readdirSync(emodb).filter((f) => f.startsWith('03') && f.endsWith('.wav')).sort();
    const audio = await Promise.all(files.map(async (f) => (await loadAudio(join(emodb, f), { sampleRate: 16000 })).samples));
    const labels = async (transform: (x: Float32Array) => Float32Array) => {
      const items = await m.predictSpeaker(audio.map((x) => ({ samples: transform(x), sampleRate: 16000 })));
      return items.map((i) => (i.ok ? i.prediction.label : 'failed'));
    };
    // A first-order high-pass, y[n] = (x[n] - 0.9 x[n-1]) / 1.9: a fixed tilt of every band, the same for every
    // recording of the speaker. The default model changes its label for ~40% of these recordings (docs/EVALUATION.md).
    const bright = (x: Float32Array) => x.map((v, i) => (v - 0.9 * (i > 0 ? x[i - 1]! : 0)) / 1.9);
    const reference = await labels((x) => x);
    expect(reference).not.toContain('failed');
    for (const transform of [(x: Float32Array) => x.map((v) => v / 4), bright]) {
      const other = await labels(transform);
      expect(other.filter((l, i) => l === reference[i]).length / reference.length).toBeGreaterThanOrEqual(0.9);
    }
    await m.dispose();
  }, 180_000);

  it.skipIf(!existsSync(emodb))('ser predict --speaker --model models/speaker-norm prints one line per recording; without --speaker it says what to do', () => {
    const files = readdirSync(emodb).filter((f) => f.startsWith('08') && f.endsWith('.wav')).sort().slice(0, 12).map((f) => join(emodb, f));
    const r = spawnSync(bin, ['predict', '--json', '--speaker', '--model', model, ...files], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; label: string; scores: Record<string, number> });
    expect(lines.map((l) => l.file)).toEqual(files);
    for (const l of lines) expect(Object.values(l.scores).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 4);
    const alone = spawnSync(bin, ['predict', '--model', model, files[0]!], { encoding: 'utf8' });
    expect(alone.status).toBe(1);
    expect(alone.stderr).toMatch(/classify at least 10 recordings of one speaker together .*ser predict --speaker/);
  }, 120_000);
});
