/** The compare view: every file of a folder classified, the table, sorting, scrolling and each key. */
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { FakeAnalyzer, KEY, contains, labelFor, makeTree, renderApp, waitFor } from './helpers.js';

afterEach(() => cleanup());

/** File names of the table rows, top to bottom. */
function rows(frame: string): string[] {
  return frame.split('\n').filter((l) => /^[ ›] \S+\.(wav|flac|MP3)\b/.test(l)).map((l) => l.slice(2).split(/\s+/)[0]!);
}
const selected = (frame: string) => frame.split('\n').find((l) => l.startsWith('› '))?.slice(2).split(/\s+/)[0];

async function openCompare(analyzer = new FakeAnalyzer(), size?: { columns: number; rows: number }) {
  const { root, audio } = makeTree();
  const r = renderApp({ analyzer, startDir: root }, size);
  await waitFor(r, contains('clip.MP3'));
  await r.press('c');
  return { r, root, audio, analyzer };
}

describe('compare view', () => {
  it('classifies every audio file of the folder with a running count, then shows file | emotion | confidence | expected', async () => {
    const { r, audio, analyzer } = await openCompare(new FakeAnalyzer({ delayMs: 60 }));
    await waitFor(r, (f) => /⠋|⠙|⠹|⠸|⠼|⠴|⠦|⠧|⠇|⠏/.test(f) && /classified [0-4]\/5/.test(f));
    const f = await waitFor(r, contains('classified 5/5'));
    expect(analyzer.calls.filter((c) => c.kind === 'classify').map((c) => c.file).sort()).toEqual([...audio].sort());
    expect(rows(f)).toEqual(['03a01Fa.wav', '03a01Nc.wav', '03a01Wa.wav', '08b02Ta.flac', 'clip.MP3']);
    for (const file of audio) {
      const line = f.split('\n').find((l) => l.includes(basename(file)))!;
      expect(line).toContain(labelFor(file));
      expect(line).toMatch(/\d+\.\d%/);
    }
    // The EMO-DB names declare their emotion: Fa happy, Nc neutral, Wa angry, Ta sad; clip.MP3 declares none.
    expect(f).toMatch(/03a01Fa\.wav.*happy [✓✗]/);
    expect(f).toMatch(/08b02Ta\.flac.*sad [✓✗]/);
    expect(f).toMatch(/agrees with the file names on \d\/4/);
  });

  it('s cycles the sort column (file, emotion, confidence, expected) and r reverses it', async () => {
    const { r } = await openCompare();
    let f = await waitFor(r, contains('classified 5/5'));
    expect(f).toMatch(/file ▼/);
    const byName = rows(f);
    await r.press('r');
    f = await waitFor(r, contains('file ▲'));
    expect(rows(f)).toEqual([...byName].reverse());
    await r.press('s');
    f = await waitFor(r, contains('emotion ▼'));
    const labels = rows(f).map(labelFor);
    expect(labels).toEqual([...labels].sort());
    await r.press('s');
    f = await waitFor(r, contains('confidence ▼'));
    const conf = f.split('\n').filter((l) => /^[ ›] \S+\.(wav|flac|MP3)/.test(l)).map((l) => Number(/(\d+\.\d)%/.exec(l)![1]));
    expect(conf).toEqual([...conf].sort((a, b) => b - a));
    await r.press('r');
    f = await waitFor(r, contains('confidence ▲'));
    await r.press('s');
    f = await waitFor(r, contains('expected ▼'));
    expect(rows(f).at(-1)).toBe('clip.MP3'); // no expected emotion: last
    await r.press('s');
    await waitFor(r, contains('file ▼'));
  });

  it('moves with ↑ ↓ j k PgUp PgDn Home End g G and scrolls in a small terminal', async () => {
    const analyzer = new FakeAnalyzer();
    const { root } = makeTree();
    for (let i = 0; i < 30; i++) writeFileSync(join(root, `x${String(i).padStart(2, '0')}.wav`), 'x');
    const r = renderApp({ analyzer, startDir: root }, { columns: 100, rows: 14 });
    await waitFor(r, contains('clip.MP3'));
    await r.press('c');
    await waitFor(r, contains('classified 35/35'));
    expect(selected(r.frame())).toBe('03a01Fa.wav');
    await r.press(KEY.down, 'j');
    await waitFor(r, (f) => selected(f) === '03a01Wa.wav');
    await r.press('k', KEY.up);
    await waitFor(r, (f) => selected(f) === '03a01Fa.wav');
    await r.press(KEY.end);
    let f = await waitFor(r, (x) => selected(x) === 'x29.wav');
    expect(f).not.toContain('03a01Fa.wav');
    await r.press(KEY.home);
    await waitFor(r, (x) => selected(x) === '03a01Fa.wav');
    await r.press('G');
    await waitFor(r, (x) => selected(x) === 'x29.wav');
    await r.press('g', KEY.pageDown);
    f = await waitFor(r, (x) => selected(x) !== '03a01Fa.wav');
    expect(f).not.toContain('03a01Fa.wav');
    await r.press(KEY.pageUp);
    await waitFor(r, (x) => selected(x) === '03a01Fa.wav');
  });

  it('Enter opens the selected file; Esc comes back to the table, and Esc, Backspace, ← or h back to the browser', async () => {
    const { r } = await openCompare();
    await waitFor(r, contains('classified 5/5'));
    await r.press(KEY.down, KEY.enter);
    await waitFor(r, (f) => f.includes('03a01Nc.wav (2/5)') && f.includes('emotion:'));
    await r.press(KEY.escape);
    await waitFor(r, contains('classified 5/5'));
    for (const back of [KEY.escape, KEY.backspace, KEY.left, 'h']) {
      await r.press(back);
      await waitFor(r, contains('ser · files'));
      await r.press('c');
      await waitFor(r, contains('classified 5/5'));
    }
  });

  it('leaving cancels what is left; coming back classifies only the rest', async () => {
    const analyzer = new FakeAnalyzer({ delayMs: 150 });
    const { r } = await openCompare(analyzer);
    await waitFor(r, contains('classified 1/5'));
    await r.press(KEY.escape);
    await waitFor(r, () => analyzer.cancelled.length === 1);
    const before = analyzer.calls.length;
    await r.press('c');
    await waitFor(r, contains('classified 5/5'), 5000);
    const again = analyzer.calls.slice(before).map((c) => basename(c.file));
    expect(again).not.toContain('03a01Fa.wav');
    expect(new Set(analyzer.calls.map((c) => c.file)).size).toBe(5);
  });

  it('shows a failed file as "error" with its one-line reason when selected', async () => {
    const { r } = await openCompare(new FakeAnalyzer({ failures: { '03a01Nc.wav': '/d/03a01Nc.wav: truncated data chunk; the file is cut short' } }));
    let f = await waitFor(r, contains('classified 5/5'));
    expect(f).toMatch(/03a01Nc\.wav +error/);
    expect(f).not.toContain('truncated');
    await r.press(KEY.down);
    f = await waitFor(r, contains('✗ /d/03a01Nc.wav: truncated data chunk; the file is cut short'));
  });

  it('without a model says so once and classifies nothing', async () => {
    const analyzer = new FakeAnalyzer({ modelError: '/nope: no such model folder; pass another folder with --model, or train one with `ser train`' });
    const { r } = await openCompare(analyzer);
    const f = await waitFor(r, (x) => x.includes('classified 0/5') && x.includes('✗ /nope: no such model folder'));
    expect(analyzer.calls.filter((c) => c.kind === 'classify')).toEqual([]);
    expect(f.split('✗ /nope').length - 1).toBe(1);
  });
});
