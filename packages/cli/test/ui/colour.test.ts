/**
 * NO_COLOR: no colour at all, even where chalk would colour (Ink's chalk ignores NO_COLOR, so the UI must not hand it
 * colours). Chalk is forced on here (FORCE_COLOR=3, before Ink loads) so that any colour that leaks would show.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ColorMode } from '../../src/ui/theme.js';

const saved = { FORCE_COLOR: process.env.FORCE_COLOR, NO_COLOR: process.env.NO_COLOR };
process.env.FORCE_COLOR = '3';
delete process.env.NO_COLOR;
// Test files may share a process: leave the environment as it was found.
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});
const { cleanup } = await import('ink-testing-library');
const { detectColorMode } = await import('../../src/ui/theme.js');
const { FakeAnalyzer, KEY, colourCodes, makeTree, renderApp, stripAnsi, waitFor } = await import('./helpers.js');

describe('detectColorMode', () => {
  const tty = (depth: number) => ({ isTTY: true, getColorDepth: () => depth });

  it('turns colour off for a non-empty NO_COLOR, whatever else is set', () => {
    expect(detectColorMode({ NO_COLOR: '1', FORCE_COLOR: '3' }, tty(24))).toBe('none');
    expect(detectColorMode({ NO_COLOR: 'yes' }, tty(8))).toBe('none');
    expect(detectColorMode({ NO_COLOR: '' }, tty(8))).toBe('256'); // empty means unset, per no-color.org
  });

  it('follows FORCE_COLOR, then the terminal', () => {
    expect(detectColorMode({ FORCE_COLOR: '0' }, tty(24))).toBe('none');
    expect(detectColorMode({ FORCE_COLOR: '1' }, {})).toBe('16');
    expect(detectColorMode({ FORCE_COLOR: '2' }, {})).toBe('256');
    expect(detectColorMode({ FORCE_COLOR: '3' }, {})).toBe('truecolor');
    expect(detectColorMode({}, { isTTY: false })).toBe('none');
    expect(detectColorMode({}, tty(4))).toBe('16');
    expect(detectColorMode({}, tty(8))).toBe('256');
    expect(detectColorMode({}, tty(1))).toBe('none');
  });
});

/** Frames of the browser, file view, help, compare view and dashboard in one colour mode. */
async function allViews(colorMode: ColorMode): Promise<string[]> {
  const { root } = makeTree();
  const r = renderApp({ analyzer: new FakeAnalyzer({ failures: { 'clip.MP3': 'clip.MP3: bad file; check it' } }), startDir: root, colorMode });
  const frames: string[] = [];
  const grab = async (text: string) => frames.push(await waitFor(r, (f) => stripAnsi(f).includes(text)));
  await grab('clip.MP3');
  await r.press(KEY.down, KEY.enter);
  await grab('emotion:');
  await r.press('?');
  await grab('keys: file view');
  await r.press(KEY.escape, KEY.escape, 'c');
  await grab('classified 5/5');
  await r.press(KEY.end);
  await grab('✗ clip.MP3: bad file');
  await r.press(KEY.escape, 't');
  await grab('no training run found');
  cleanup();
  return frames;
}

describe('colour in the UI', () => {
  it('with colour: the views are coloured (so the check below can fail)', async () => {
    const frames = await allViews('256');
    expect(frames.every((f) => colourCodes(f).length > 0)).toBe(true);
    expect(frames[1]).toContain('38;5;'); // the spectrogram's 256-colour cells
  });

  it('with NO_COLOR: not one colour escape in any view, and the meaning is still there', async () => {
    process.env.NO_COLOR = '1';
    try {
      const mode = detectColorMode(process.env, { isTTY: true, getColorDepth: () => 24 });
      expect(mode).toBe('none');
      const frames = await allViews(mode);
      for (const f of frames) expect(colourCodes(f)).toEqual([]);
      expect(frames[1]).toMatch(/[░▒▓█]/); // the spectrogram in shades
      expect(frames[1]).toMatch(/^mean +[NHSA]+/m); // the timeline in letters
      expect(frames[1]).toContain('› '); // the top emotion marked
    } finally {
      delete process.env.NO_COLOR;
    }
  });
});
