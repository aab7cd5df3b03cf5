/** `ser predict` over folders and globs, as CSV, with segments (emotions over time), and its failure summary. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmotionModel, FeatureExtractor, loadAudio, segmentBounds } from '@ser/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/program.js';
import { LABELS, classicModel, speechLikeWav, writeClips, type TestModel } from './helpers/models.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out: () => out.join(''), err: () => err.join('') };
}

const work = mkdtempSync(join(tmpdir(), 'ser-predict-inputs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const clips = writeClips(join(work, 'clips'));
// A folder tree: audio at two depths, a non-audio file that must be ignored.
mkdirSync(join(work, 'tree', 'deep'), { recursive: true });
writeFileSync(join(work, 'tree', 'b.wav'), speechLikeWav(0.8, 5));
writeFileSync(join(work, 'tree', 'deep', 'a.WAV'), speechLikeWav(0.9, 6));
writeFileSync(join(work, 'tree', 'notes.txt'), 'not audio');
mkdirSync(join(work, 'empty'));
const long = join(work, 'long.wav');
writeFileSync(long, speechLikeWav(7.25, 7));

let model: TestModel;
beforeAll(async () => {
  model = await classicModel(join(work, 'model'), clips, new FeatureExtractor());
}, 120_000);

const jsonLines = (text: string) => text.trimEnd().split('\n').map((l) => JSON.parse(l) as { file: string; label: string; scores: Record<string, number>; duration?: number; segments?: { start: number; end: number; label: string; scores: Record<string, number> }[] });

describe('ser predict inputs', () => {
  it('a folder means every audio file under it, recursively and sorted; other files are ignored', async () => {
    const c = capture();
    expect(await run(['predict', '--json', '--model', model.dir, join(work, 'tree')], c.io)).toBe(0);
    expect(jsonLines(c.out()).map((p) => p.file)).toEqual([join(work, 'tree', 'b.wav'), join(work, 'tree', 'deep', 'a.WAV')]);
  });

  it('a quoted glob is expanded; a glob or folder with no audio is a warning, and no files at all is exit 1', async () => {
    const c = capture();
    expect(await run(['predict', '--json', '--model', model.dir, join(work, 'clips', 't*.wav'), join(work, 'empty')], c.io)).toBe(0);
    expect(jsonLines(c.out()).map((p) => p.file)).toEqual([join(work, 'clips', 'two.wav')]);
    expect(c.err()).toContain(`warning: ${join(work, 'empty')}: no audio files`);
    const d = capture();
    expect(await run(['predict', '--model', model.dir, join(work, 'nothing-*.wav')], d.io)).toBe(1);
    expect(d.err()).toContain('the pattern matches no file');
    expect(d.err()).toContain('error: no audio files to classify');
  });

  it('--csv: a header, then one row per file with the same label and scores as --json', async () => {
    const a = capture();
    const b = capture();
    expect(await run(['predict', '--csv', '--model', model.dir, ...clips], a.io)).toBe(0);
    expect(await run(['predict', '--json', '--model', model.dir, ...clips], b.io)).toBe(0);
    const [header, ...rows] = a.out().trimEnd().split('\n');
    expect(header).toBe(['file', 'label', ...LABELS].join(','));
    const json = jsonLines(b.out());
    expect(rows).toHaveLength(clips.length);
    rows.forEach((row, i) => {
      const cells = row.split(',');
      expect(cells[0]).toBe(json[i]!.file);
      expect(cells[1]).toBe(json[i]!.label);
      LABELS.forEach((l, k) => expect(Number(cells[2 + k])).toBeCloseTo(json[i]!.scores[l]!, 5));
    });
  });

  it('--json and --csv together is a usage error (exit 2)', async () => {
    const c = capture();
    expect(await run(['predict', '--json', '--csv', '--model', model.dir, clips[0]!], c.io)).toBe(2);
    expect(c.err()).toMatch(/cannot be used with/);
  });

  it('--segments: windows of 3 s every 1 s cover the file, each classified on its own samples', async () => {
    const c = capture();
    expect(await run(['predict', '--json', '--segments', '--model', model.dir, long], c.io)).toBe(0);
    const [p] = jsonLines(c.out());
    expect(p!.duration).toBeCloseTo(7.25, 3);
    const spans = p!.segments!.map((s) => [s.start, s.end]);
    expect(spans).toEqual([[0, 3], [1, 4], [2, 5], [3, 6], [4, 7], [4.25, 7.25]]);
    const em = await EmotionModel.load(model.dir);
    const audio = (await loadAudio(long, { sampleRate: 16000 })).samples;
    for (const s of p!.segments!) {
      const expected = await em.predict({ samples: audio.subarray(Math.round(s.start * 16000), Math.round(s.end * 16000)), sampleRate: 16000 });
      expect(s.label).toBe(expected.label);
      for (const l of LABELS) expect(s.scores[l]).toBeCloseTo(expected.scores[l]!, 6);
    }
    const whole = await em.predict(long);
    expect(p!.label).toBe(whole.label);
    await em.dispose();
  });

  it('--segments as text and CSV: a line or row per segment after the whole file', async () => {
    const t = capture();
    expect(await run(['predict', '--segments', '--window', '2', '--hop', '2', '--model', model.dir, long], t.io)).toBe(0);
    expect(t.out()).toContain('over time (2 s windows every 2 s):');
    expect(t.out()).toMatch(/ 0\.0-2\.0 s /);
    expect(t.out()).toMatch(/ 5\.3-7\.3 s /);
    const c = capture();
    expect(await run(['predict', '--csv', '--segments', '--model', model.dir, long], c.io)).toBe(0);
    const rows = c.out().trimEnd().split('\n');
    expect(rows[0]).toBe(['file', 'segment', 'start', 'end', 'label', ...LABELS].join(','));
    expect(rows.slice(1).map((r) => r.split(',').slice(1, 4).join(' '))).toEqual([
      'all 0.000 7.250', '1 0.000 3.000', '2 1.000 4.000', '3 2.000 5.000', '4 3.000 6.000', '5 4.000 7.000', '6 4.250 7.250',
    ]);
  });

  it('a bad --window is a usage error before any work', async () => {
    const c = capture();
    expect(await run(['predict', '--segments', '--window', '0', '--model', model.dir, long], c.io)).toBe(2);
    expect(c.err()).toContain('--window takes a positive number');
  });

  it('failures are listed again at the end with the count; the other files are still reported; exit 1', async () => {
    const bad = join(work, 'corrupt.wav');
    writeFileSync(bad, 'RIFF\x10\x00\x00\x00WAVEjunk');
    const c = capture();
    expect(await run(['predict', '--json', '--model', model.dir, clips[0]!, bad, join(work, 'missing.wav'), clips[1]!], c.io)).toBe(1);
    expect(jsonLines(c.out()).map((p) => p.file)).toEqual([clips[0], clips[1]]);
    const err = c.err();
    expect(err).toContain(`2 of 4 files failed:\n  ${bad}\n  ${join(work, 'missing.wav')}\n`);
    expect(err).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('segmentBounds', () => {
  it('a recording shorter than a window is one segment; a tail is covered by a window aligned to the end', () => {
    expect(segmentBounds(100, 100, { window: 3, hop: 1 })).toEqual([{ start: 0, end: 100 }]);
    expect(segmentBounds(500, 100, { window: 3, hop: 1 })).toEqual([{ start: 0, end: 300 }, { start: 100, end: 400 }, { start: 200, end: 500 }]);
    expect(segmentBounds(550, 100, { window: 3, hop: 2 })).toEqual([{ start: 0, end: 300 }, { start: 200, end: 500 }, { start: 250, end: 550 }]);
    expect(() => segmentBounds(500, 100, { window: -1 })).toThrow(/positive number of seconds/);
  });
});
