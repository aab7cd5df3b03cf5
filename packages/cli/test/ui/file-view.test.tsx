/** The file view: plots, bars, timeline, the spinner while analysing, errors, and each key. */
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type { Analysis } from '../../src/ui/analyzer.js';
import { SPINNER_FRAMES } from '../../src/ui/hooks.js';
import { FakeAnalyzer, KEY, LABELS, contains, fakeAnalysis, labelFor, makeTree, renderApp, waitFor } from './helpers.js';

afterEach(() => cleanup());

async function openFile(name: string, analyzer = new FakeAnalyzer(), size?: { columns: number; rows: number }) {
  const { root } = makeTree();
  const r = renderApp({ analyzer, startDir: root, startFile: join(root, name) }, size);
  return { r, root, analyzer };
}

describe('file view', () => {
  it('draws waveform, time axis, spectrogram, timeline, legend and the probability bars with the top one marked', async () => {
    const { r } = await openFile('03a01Fa.wav');
    const f = await waitFor(r, contains('emotion:'));
    const label = labelFor('03a01Fa.wav');
    const lines = f.split('\n');
    expect(f).toContain(`emotion: ${label} 70.0%`);
    expect(lines.some((l) => l.startsWith('wave') && /[\u2801-\u28ff]/.test(l))).toBe(true);
    expect(f).toMatch(/┴0s +┴1s +┴2s +┴3s/);
    expect(lines.some((l) => l.startsWith('0 Hz') && /[░▒▓█]/.test(l))).toBe(true);
    expect(lines.find((l) => l.startsWith('mean'))).toMatch(/^mean +[NHSA]+/);
    expect(lines.filter((l) => /^\d+-\d+s /.test(l))).toHaveLength(2); // 4 s: windows 0-3 and 1-4
    expect(f).toContain('N neutral  H happy  S sad  A angry');
    const top = lines.find((l) => l.includes('› '));
    expect(top).toContain(label);
    expect(top).toContain('70.0%');
    for (const l of LABELS) expect(f).toMatch(new RegExp(`[A-Z] ${l} +[█▏▎▍▌▋▊▉ ]+ +\\d+\\.\\d%`));
    expect(f).toContain('4.00 s · 16 kHz · peak -1.9 dBFS');
  });

  it('aligns the timeline with the waveform: a segment starts and ends at its columns', async () => {
    const { r } = await openFile('03a01Fa.wav');
    const f = await waitFor(r, contains('emotion:'));
    const lines = f.split('\n');
    const wave = lines.find((l) => l.startsWith('wave'))!;
    const first = lines.find((l) => l.startsWith('0-3s'))!;
    const second = lines.find((l) => l.startsWith('1-4s'))!;
    const plotStart = wave.search(/[\u2800-\u28ff]/);
    const width = [...wave.slice(plotStart)].findIndex((c) => c < '\u2800' || c > '\u28ff');
    expect(first.search(/[A-Z]/)).toBe(plotStart);
    expect(first.trimEnd().length - plotStart).toBe(Math.round(0.75 * width)); // 0-3 s of 4 s
    expect(second.search(/[A-Z]/) - plotStart).toBe(Math.round(0.25 * width)); // starts at 1 s
  });

  it('turns a spinner while analysing and keeps answering keys: q quits and the analysis is cancelled', async () => {
    const analyzer = new FakeAnalyzer({ hang: true });
    const { r } = await openFile('03a01Fa.wav', analyzer);
    const f = await waitFor(r, contains('analysing 03a01Fa.wav'));
    expect(SPINNER_FRAMES.some((s) => f.includes(`${s} analysing`))).toBe(true);
    // The spinner moves on its own.
    await waitFor(r, (x) => x !== f && x.includes('analysing'));
    await r.press('q');
    await waitFor(r, () => r.quitCalls === 1);
    await waitFor(r, () => analyzer.cancelled.length === 1);
  });

  it('Esc, Backspace, ← and h go back to where the file was opened; leaving cancels the analysis', async () => {
    const { root } = makeTree();
    for (const back of [KEY.escape, KEY.backspace, KEY.left, 'h']) {
      const analyzer = new FakeAnalyzer({ hang: true });
      const r = renderApp({ analyzer, startDir: root });
      await waitFor(r, contains('clip.MP3'));
      await r.press(KEY.down, KEY.enter);
      await waitFor(r, contains('analysing'));
      await r.press(back);
      await waitFor(r, (f) => f.includes('clip.MP3') && f.includes('ser · files'));
      await waitFor(r, () => analyzer.cancelled.length > 0);
      expect(analyzer.cancelled).toEqual([join(root, '03a01Fa.wav')]);
      cleanup();
    }
  });

  it('n and p open the next and previous file of the folder, wrapping around; Esc lands on the file shown', async () => {
    const { root } = makeTree();
    const analyzer = new FakeAnalyzer();
    const r = renderApp({ analyzer, startDir: root });
    await waitFor(r, contains('clip.MP3'));
    await r.press(KEY.down, KEY.enter);
    await waitFor(r, contains('03a01Fa.wav (1/5)'));
    await r.press('n');
    await waitFor(r, (f) => f.includes('03a01Nc.wav (2/5)') && f.includes('emotion:'));
    await r.press('p', 'p');
    await waitFor(r, (f) => f.includes('clip.MP3 (5/5)') && f.includes('emotion:'));
    await r.press(KEY.escape);
    await waitFor(r, (f) => f.split('\n').some((l) => l.startsWith('› clip.MP3')));
    // A file seen before comes from the cache.
    expect(analyzer.calls.map((c) => basename(c.file))).toEqual(['03a01Fa.wav', '03a01Nc.wav', 'clip.MP3']);
  });

  it('scrolls the segment rows with ↓ ↑ j k when they do not fit', async () => {
    const analyzer = new FakeAnalyzer();
    const long: Analysis = fakeAnalysis('/x/long.wav', 30);
    analyzer.analyze = async (file) => ({ ...long, file });
    const { r } = await openFile('03a01Fa.wav', analyzer, { columns: 120, rows: 30 });
    let f = await waitFor(r, contains('emotion:'));
    expect(f).toMatch(/^0-3s /m);
    expect(f).toMatch(/^\+\d+ ↓/m);
    await r.press(KEY.down, 'j');
    f = await waitFor(r, (x) => /^2-5s /m.test(x) && !/^0-3s /m.test(x));
    await r.press(KEY.up);
    await waitFor(r, (x) => /^1-4s /m.test(x) && !/^0-3s /m.test(x));
    await r.press('k', 'k');
    await waitFor(r, (x) => /^0-3s /m.test(x));
  });

  it('shows an unreadable file as one line naming it, and n still works', async () => {
    const analyzer = new FakeAnalyzer({ failures: { '03a01Fa.wav': '/d/03a01Fa.wav: not a WAV, AIFF, FLAC, MP3 or Ogg file (bytes 52 49 ...); check the file' } });
    const { r } = await openFile('03a01Fa.wav', analyzer);
    const f = await waitFor(r, contains('✗ '));
    expect(f).toContain('✗ /d/03a01Fa.wav: not a WAV, AIFF, FLAC, MP3 or Ogg file (bytes 52 49 ...); check the file');
    expect(f).not.toMatch(/\n\s+at /);
  });

  it('without a model still draws the waveform and spectrogram and says in one line why there are no emotions', async () => {
    const analyzer = new FakeAnalyzer({ modelError: '/m/card.json: missing; a model folder holds model.onnx and card.json; pass another folder with --model, or train one with `ser train`' });
    const { r } = await openFile('03a01Fa.wav', analyzer);
    const f = await waitFor(r, (x) => x.includes('wave') && x.includes('8 kHz'));
    expect(f).toContain('✗ model: /m/card.json: missing');
    expect(f).toContain('model: unavailable');
    expect(f).not.toContain('emotion:');
  });

  it('puts the bars beside the plots on a wide terminal and below them on a narrow one, following resizes', async () => {
    const { r } = await openFile('03a01Fa.wav');
    let f = await waitFor(r, contains('emotion:'));
    expect(f.split('\n').find((l) => l.includes('emotion:'))).toMatch(/^wave/);
    r.resize(70, 40);
    f = await waitFor(r, (x) => x.split('\n').some((l) => l.startsWith('emotion:')));
    expect(Math.max(...f.split('\n').map((l) => l.length))).toBeLessThanOrEqual(70);
    r.resize(120, 16);
    f = await waitFor(r, (x) => x.split('\n').length <= 15 && x.includes('emotion:'));
  });
});
