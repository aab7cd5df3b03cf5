/** `ser predict` with model folders exported in the test (see helpers/models.ts). */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmotionModel, FeatureExtractor } from '@ser/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bar } from '../src/commands/predict.js';
import { run } from '../src/program.js';
import { LABELS, classicModel, logmelModel, writeClips, type TestModel } from './helpers/models.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

const work = mkdtempSync(join(tmpdir(), 'ser-predict-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const clips = writeClips(join(work, 'clips'));
const bad = join(work, 'bad.wav');
writeFileSync(bad, 'RIFF....WAVEnot really');

let classic: TestModel;
let logmel: TestModel;
beforeAll(async () => {
  classic = await classicModel(join(work, 'classic'), clips, new FeatureExtractor());
  logmel = await logmelModel(join(work, 'logmel'), 'utterance');
}, 120_000);

describe('ser predict', () => {
  it('prints per file the top label, its probability and a bar per emotion', async () => {
    const c = capture();
    expect(await run(['predict', '--model', logmel.dir, clips[0]!, clips[1]!], c.io)).toBe(0);
    const text = c.out.join('');
    const em = await EmotionModel.load(logmel.dir);
    for (const clip of [clips[0]!, clips[1]!]) {
      const p = await em.predict(clip);
      const block = text.slice(text.indexOf(`${clip}: `)).split('\n').slice(0, 1 + LABELS.length);
      expect(block[0]).toBe(`${clip}: ${p.label} ${(100 * p.scores[p.label]!).toFixed(1)}%`);
      LABELS.forEach((l, i) => {
        const row = block[1 + i]!;
        expect(row).toContain(` ${l} `);
        expect(row.startsWith(l === p.label ? '  >' : '   ')).toBe(true);
        expect(row).toContain(bar(p.scores[l]!));
        expect(row.trimEnd().endsWith(`${(100 * p.scores[l]!).toFixed(1)}%`)).toBe(true);
      });
    }
    await em.dispose();
    expect(c.err.join('')).toBe('');
  });

  it('bars are proportional, in eighths of a cell', () => {
    expect(bar(0)).toBe(' '.repeat(20));
    expect(bar(1)).toBe('█'.repeat(20));
    expect(bar(0.5)).toBe('█'.repeat(10) + ' '.repeat(10));
    expect(bar(1 / 160)).toBe(`▏${' '.repeat(19)}`);
    expect(bar(0.5 + 3 / 160)).toBe(`${'█'.repeat(10)}▍${' '.repeat(9)}`);
  });

  it('--json prints one line per file with the file, label and scores summing to 1', async () => {
    const c = capture();
    expect(await run(['predict', '--json', '--model', classic.dir, ...clips], c.io)).toBe(0);
    const lines = c.out.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(clips.length);
    const em = await EmotionModel.load(classic.dir);
    for (const [i, line] of lines.entries()) {
      const r = JSON.parse(line);
      expect(Object.keys(r)).toEqual(['file', 'label', 'scores']);
      expect(r.file).toBe(clips[i]);
      expect(Object.keys(r.scores)).toEqual(LABELS);
      expect(Object.values<number>(r.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      const p = await em.predict(clips[i]!);
      expect(r.label).toBe(p.label);
      for (const l of LABELS) expect(r.scores[l]).toBeCloseTo(p.scores[l]!, 9);
    }
    await em.dispose();
  });

  it('a bad file among good ones: one error line on stderr, the others on stdout, exit code 1', async () => {
    const c = capture();
    const missing = join(work, 'missing.wav');
    expect(await run(['predict', '--json', '--model', classic.dir, clips[0]!, bad, clips[1]!, missing], c.io)).toBe(1);
    const lines = c.out.join('').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.file)).toEqual([clips[0], clips[1]]);
    const err = c.err.join('');
    expect(err).toMatch(new RegExp(`^error: ${bad}: .+$`, 'm'));
    expect(err).toMatch(new RegExp(`^error: ${missing}: no such file; check the path$`, 'm'));
    expect(err).toContain('2 of 4 files failed');
    expect(err).not.toMatch(/at .*\.ts:\d+/); // no stack trace without --debug
  });

  it('a missing model folder, a broken one and no default model: one clear line and exit code 1', async () => {
    const nowhere = join(work, 'no-model-here');
    let c = capture();
    expect(await run(['predict', '--model', nowhere, clips[0]!], c.io)).toBe(1);
    expect(c.out.join('')).toBe('');
    expect(c.err.join('')).toBe(`error: ${nowhere}: no such model folder; pass another folder with --model, or train one with \`ser train\`\n`);

    const broken = join(work, 'broken');
    rmSync(broken, { recursive: true, force: true });
    mkdirSync(broken);
    copyFileSync(join(classic.dir, 'card.json'), join(broken, 'card.json'));
    c = capture();
    expect(await run(['predict', '--model', broken, clips[0]!], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(new RegExp(`^error: ${join(broken, 'model.onnx')}: missing; .*--model.*\n$`));

    const saved = process.env.SER_MODEL_DIR;
    process.env.SER_MODEL_DIR = nowhere;
    try {
      c = capture();
      expect(await run(['predict', clips[0]!], c.io)).toBe(1);
      expect(c.err.join('')).toMatch(/^error: .*no-model-here \(\$SER_MODEL_DIR\): no such model folder; .*--model.*ser train/);
      expect(c.err.join('')).not.toContain('\n    at ');
      // the default folder is used when --model is absent
      process.env.SER_MODEL_DIR = classic.dir;
      c = capture();
      expect(await run(['predict', '--json', clips[0]!], c.io)).toBe(0);
      expect(JSON.parse(c.out.join('')).file).toBe(clips[0]);
    } finally {
      if (saved === undefined) delete process.env.SER_MODEL_DIR;
      else process.env.SER_MODEL_DIR = saved;
    }
  });

  it('needs at least one file', async () => {
    const c = capture();
    expect(await run(['predict', '--model', classic.dir], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/missing required argument 'inputs'/);
  });
});
