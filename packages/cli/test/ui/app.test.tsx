/** Keys that work everywhere (? q Ctrl-C), the help overlay of each view, the header, the status line and resizing. */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { GLOBAL_KEYS, VIEW_KEYS, footerText, type ViewName } from '../../src/ui/keys.js';
import { FakeAnalyzer, KEY, contains, makeTree, renderApp, waitFor, type Rendered } from './helpers.js';

afterEach(() => cleanup());

/** Opens `view` from the browser the way a user does, and returns once it is drawn. */
async function openView(view: ViewName): Promise<Rendered> {
  const { root } = makeTree();
  const r = renderApp({ analyzer: new FakeAnalyzer(), startDir: root });
  await waitFor(r, contains('clip.MP3'));
  if (view === 'file') {
    await r.press(KEY.down, KEY.enter);
    await waitFor(r, contains('emotion:'));
  } else if (view === 'compare') {
    await r.press('c');
    await waitFor(r, contains('classified 5/5'));
  } else if (view === 'train') {
    await r.press('t');
    await waitFor(r, contains('no training run found'));
  }
  return r;
}

const VIEWS: ViewName[] = ['browser', 'file', 'compare', 'train'];

describe('help overlay', () => {
  for (const view of VIEWS) {
    it(`? shows every key of the ${view} view and the global ones; ? or Esc closes it and the view is as it was`, async () => {
      const r = await openView(view);
      const before = r.frame();
      await r.press('?');
      const f = await waitFor(r, contains('keys: '));
      for (const k of [...VIEW_KEYS[view], ...GLOBAL_KEYS]) {
        expect(f).toContain(k.keys);
        expect(f).toContain(k.does);
      }
      // Keys of the view do nothing while the help is up.
      await r.press('j', 'c', 't');
      expect(r.frame()).toContain('keys: ');
      await r.press(view === 'browser' ? '?' : KEY.escape);
      await waitFor(r, (x) => !x.includes('keys: '));
      expect(r.frame().split('\n')[0]).toBe(before.split('\n')[0]);
    });
  }

  it('q quits from the help', async () => {
    const r = await openView('browser');
    await r.press('?');
    await waitFor(r, contains('keys: '));
    await r.press('q');
    await waitFor(r, () => r.quitCalls === 1);
  });
});

describe('quitting', () => {
  for (const view of VIEWS) {
    it(`q quits from the ${view} view`, async () => {
      const r = await openView(view);
      await r.press('q');
      await waitFor(r, () => r.quitCalls === 1);
    });
  }

  it('Ctrl-C quits even while typing a filter, where q is a letter', async () => {
    const r = await openView('browser');
    await r.press('/', 'q');
    await waitFor(r, contains('filter: q'));
    expect(r.quitCalls).toBe(0);
    await r.press(KEY.ctrlC);
    await waitFor(r, () => r.quitCalls === 1);
  });
});

describe('frame', () => {
  it('shows the view and place in the header, the model on the right, and the view keys in the footer', async () => {
    const r = await openView('compare');
    const lines = r.frame().split('\n');
    expect(lines[0]).toMatch(/^ser · compare · \/.*ser-ui-\S+ +model fake-model · typescript$/);
    expect(lines.at(-1)).toBe(footerText('compare', 120));
    expect(footerText('compare', 120)).toBe('↑↓ move · s sort · r reverse · Enter open · Esc back · ? help · q quit');
    expect(footerText('browser', 30)).toBe('↑↓ move · ? help · q quit');
  });

  it('reports a missing model once in a status line, and the browser keeps working', async () => {
    const { root } = makeTree();
    const message = '/x/models/none: no such model folder; pass another folder with --model, or train one with `ser train`';
    const r = renderApp({ analyzer: new FakeAnalyzer({ modelError: message }), startDir: root });
    const f = await waitFor(r, (x) => x.includes('✗ model:') && x.includes('clip.MP3'));
    expect(f).toContain(`✗ model: ${message}`);
    expect(f.split('\n')[0]).toContain('model: unavailable');
    await r.press(KEY.down, KEY.enter);
    await waitFor(r, (x) => x.includes('wave') && x.split('✗ model:').length === 2);
    await r.press(KEY.escape, 'j');
    await waitFor(r, (x) => x.split('\n').some((l) => l.startsWith('› 03a01Nc.wav')));
  });

  it('shows worker warnings in the status line', async () => {
    const { root } = makeTree();
    let send: ((m: string) => void) | undefined;
    const r = renderApp({
      analyzer: new FakeAnalyzer(),
      startDir: root,
      subscribeWarnings: (l) => {
        send = l;
        return () => (send = undefined);
      },
    });
    await waitFor(r, () => send !== undefined);
    send!('ser: native feature engine unavailable, using the TypeScript engine (same numbers, slower).');
    await waitFor(r, contains('! ser: native feature engine unavailable'));
  });

  it('follows the terminal size: never wider or taller than the terminal', async () => {
    const { root } = makeTree();
    const r = renderApp({ analyzer: new FakeAnalyzer(), startDir: root, startFile: join(root, '03a01Fa.wav') });
    await waitFor(r, contains('emotion:'));
    for (const [columns, rows] of [[60, 20], [150, 50], [80, 24]] as const) {
      r.resize(columns, rows);
      const f = await waitFor(r, (x) => x.split('\n').length <= rows - 1 && x.split('\n').every((l) => l.length <= columns) && x.includes('emotion:'));
      expect(f.split('\n')[0]!.length).toBeLessThanOrEqual(columns);
    }
  });
});
