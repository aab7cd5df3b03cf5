/** The file browser and each of its keys. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { FakeAnalyzer, KEY, contains, makeTree, renderApp, waitFor } from './helpers.js';

afterEach(() => cleanup());

/** The name on the selected row (marked with ›). */
function selected(frame: string): string | undefined {
  const row = frame.split('\n').find((l) => l.startsWith('›'));
  return row?.slice(2).trim().split(/\s+/)[0];
}

describe('browser', () => {
  it('lists folders then audio files (no other files, no hidden ones) with the counts', async () => {
    const { root } = makeTree();
    const r = renderApp({ analyzer: new FakeAnalyzer(), startDir: root });
    const f = await waitFor(r, contains('clip.MP3'));
    const names = f.split('\n').filter((l) => /^[ ›] /.test(l)).map((l) => l.slice(2).trim().split(/\s+/)[0]);
    expect(names).toEqual(['../', 'more/', '03a01Fa.wav', '03a01Nc.wav', '03a01Wa.wav', '08b02Ta.flac', 'clip.MP3']);
    expect(f).toContain('5 audio files, 1 folder');
    expect(f).not.toContain('notes.txt');
    expect(f).not.toContain('.hidden');
    expect(selected(f)).toBe('more/');
  });

  it('moves with ↑ ↓ j k, pages with PgUp PgDn, jumps with Home End g G', async () => {
    const { root } = makeTree();
    const r = renderApp({ analyzer: new FakeAnalyzer(), startDir: root });
    await waitFor(r, contains('clip.MP3'));
    await r.press(KEY.down);
    await waitFor(r, (f) => selected(f) === '03a01Fa.wav');
    await r.press('j', 'j');
    await waitFor(r, (f) => selected(f) === '03a01Wa.wav');
    await r.press('k');
    await waitFor(r, (f) => selected(f) === '03a01Nc.wav');
    await r.press(KEY.up);
    await waitFor(r, (f) => selected(f) === '03a01Fa.wav');
    await r.press(KEY.end);
    await waitFor(r, (f) => selected(f) === 'clip.MP3');
    await r.press(KEY.home);
    await waitFor(r, (f) => selected(f) === '../');
    await r.press('G');
    await waitFor(r, (f) => selected(f) === 'clip.MP3');
    await r.press('g');
    await waitFor(r, (f) => selected(f) === '../');
    await r.press(KEY.pageDown);
    await waitFor(r, (f) => selected(f) === 'clip.MP3');
    await r.press(KEY.pageUp);
    await waitFor(r, (f) => selected(f) === '../');
  });

  it('scrolls a long folder so the selection stays visible in a small terminal', async () => {
    const { root } = makeTree();
    for (let i = 0; i < 60; i++) writeFileSync(join(root, `z${String(i).padStart(2, '0')}.wav`), 'x');
    const r = renderApp({ analyzer: new FakeAnalyzer(), startDir: root }, { columns: 80, rows: 12 });
    await waitFor(r, contains('clip.MP3'));
    await r.press(KEY.end);
    const f = await waitFor(r, (x) => selected(x) === 'z59.wav');
    expect(f).not.toContain('03a01Fa.wav');
    expect(f.split('\n').length).toBeLessThanOrEqual(11);
    await r.press(KEY.pageUp);
    expect(selected(r.frame())).not.toBe('z59.wav');
  });

  it('opens a folder with Enter, → or l, and goes up with Backspace, ← or h, landing on the folder it left', async () => {
    const { root } = makeTree();
    const r = renderApp({ analyzer: new FakeAnalyzer(), startDir: root });
    await waitFor(r, contains('clip.MP3'));
    for (const open of [KEY.enter, KEY.right, 'l']) {
      await r.press(open);
      await waitFor(r, contains('inner.ogg'));
      expect(r.frame()).toContain(join(root, 'more'));
      const up = open === KEY.enter ? KEY.backspace : open === KEY.right ? KEY.left : 'h';
      await r.press(up);
      await waitFor(r, contains('clip.MP3'));
      await waitFor(r, (f) => selected(f) === 'more/');
    }
    // ".." goes up too.
    await r.press(KEY.home, KEY.enter);
    await waitFor(r, (f) => selected(f) === root.split('/').pop() + '/');
  });

  it('opens an audio file in the file view with Enter', async () => {
    const { root } = makeTree();
    const analyzer = new FakeAnalyzer();
    const r = renderApp({ analyzer, startDir: root });
    await waitFor(r, contains('clip.MP3'));
    await r.press(KEY.down, KEY.down, KEY.enter);
    await waitFor(r, contains('emotion:'));
    expect(analyzer.calls).toEqual([{ kind: 'analyze', file: join(root, '03a01Nc.wav') }]);
    expect(r.frame()).toContain('03a01Nc.wav (2/5)');
  });

  it('filters by name with /: typed letters (even q and ?) go into the filter, Backspace edits, Enter keeps, Esc clears', async () => {
    const { root } = makeTree();
    writeFileSync(join(root, 'faq?.wav'), 'x');
    const r = renderApp({ analyzer: new FakeAnalyzer(), startDir: root });
    await waitFor(r, contains('clip.MP3'));
    await r.press('/', 'q', '?');
    let f = await waitFor(r, contains('filter: q?'));
    expect(f).toContain('faq?.wav');
    expect(f).not.toContain('clip.MP3');
    expect(r.quitCalls).toBe(0);
    expect(f).not.toContain('keys: files view');
    await r.press(KEY.backspace, KEY.backspace, ...'03A01');
    f = await waitFor(r, contains('filter: 03A01'));
    expect(f).toContain('(3 matches · Enter keeps it');
    expect(f).not.toContain('08b02Ta.flac');
    await r.press(KEY.enter);
    f = await waitFor(r, contains('· Esc clears it)'));
    expect(f).toContain('03a01Wa.wav');
    // With the filter kept, j and k move again and the selection stays among the matches.
    await r.press('j');
    await waitFor(r, (f) => selected(f) === '03a01Nc.wav');
    await r.press(KEY.escape);
    f = await waitFor(r, contains('08b02Ta.flac'));
    expect(f).not.toContain('filter:');
    // Esc while typing clears as well.
    await r.press('/', 'x', 'y', KEY.escape);
    await waitFor(r, (x) => x.includes('08b02Ta.flac') && !x.includes('filter:'));
  });

  it('accepts keys that arrive together, as a paste or tmux send-keys delivers them', async () => {
    const { root } = makeTree();
    const r = renderApp({ analyzer: new FakeAnalyzer(), startDir: root });
    await waitFor(r, contains('clip.MP3'));
    await r.press('/08b\r');
    await waitFor(r, (f) => f.includes('filter: 08b') && f.includes('Esc clears it)'));
    await waitFor(r, (f) => selected(f) === '08b02Ta.flac');
  });

  it('says so when nothing matches or a folder is empty', async () => {
    const { root } = makeTree();
    const r = renderApp({ analyzer: new FakeAnalyzer(), startDir: root });
    await waitFor(r, contains('clip.MP3'));
    await r.press('/', ...'zzz');
    await waitFor(r, contains('nothing matches "zzz"'));
    const empty = join(root, 'empty');
    mkdirSync(empty);
    const r2 = renderApp({ analyzer: new FakeAnalyzer(), startDir: empty });
    await waitFor(r2, contains('no folders or audio files here'));
  });

  it('shows a folder that vanished as one error line and stays usable', async () => {
    const { root } = makeTree();
    const r = renderApp({ analyzer: new FakeAnalyzer(), startDir: root });
    await waitFor(r, contains('clip.MP3'));
    rmSync(join(root, 'more'), { recursive: true });
    await r.press(KEY.enter);
    const f = await waitFor(r, contains('✗ '));
    expect(f).toContain(`${join(root, 'more')}: no such folder; check the path`);
    expect(f).not.toMatch(/\n\s+at /);
    // Still in the folder it was in, and still working.
    expect(f).toContain('clip.MP3');
    await r.press(KEY.end);
    await waitFor(r, (x) => selected(x) === 'clip.MP3');
  });

  it('opens the compare view with c and the training dashboard with t', async () => {
    const { root } = makeTree();
    const r = renderApp({ analyzer: new FakeAnalyzer(), startDir: root });
    await waitFor(r, contains('clip.MP3'));
    await r.press('c');
    await waitFor(r, contains(`compare ${root}`));
    await r.press(KEY.escape, 't');
    await waitFor(r, contains('no training run found; start one with `ser train <corpus> --arch vgg2d`'));
  });
});
