/** runUi's checks before it draws anything: a terminal to draw on, and a folder (or audio file) to start in. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NOT_A_TERMINAL, runUi } from '../../src/ui/index.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

const streams = [process.stdout, process.stdin] as const;
const original = streams.map((s) => Object.getOwnPropertyDescriptor(s, 'isTTY'));
function setTty(stdout: boolean, stdin: boolean) {
  Object.defineProperty(process.stdout, 'isTTY', { value: stdout, configurable: true });
  Object.defineProperty(process.stdin, 'isTTY', { value: stdin, configurable: true });
}
afterEach(() => {
  streams.forEach((s, i) => {
    const d = original[i];
    if (d) Object.defineProperty(s, 'isTTY', d);
    else delete (s as { isTTY?: boolean }).isTTY;
  });
});

describe('runUi', () => {
  it('refuses politely without a terminal, pointing at the plain commands', async () => {
    for (const [stdout, stdin] of [[false, true], [true, false], [false, false]] as const) {
      setTty(stdout, stdin);
      const c = capture();
      expect(await runUi({ startDir: '.', engine: 'auto' }, c.io)).toBe(2);
      expect(c.err).toEqual([`${NOT_A_TERMINAL}\n`]);
      expect(c.out).toEqual([]);
    }
    expect(NOT_A_TERMINAL).toBe('ser ui needs an interactive terminal; for scripts use `ser predict`, `ser features`, `ser info` (see ser --help)');
  });

  it('says in one line when the start folder is missing or is not a folder nor an audio file', async () => {
    setTty(true, true);
    const c = capture();
    expect(await runUi({ startDir: '/no/such/dir', engine: 'auto' }, c.io)).toBe(1);
    expect(c.err).toEqual(['error: /no/such/dir: no such file or folder; check the path\n']);
    const text = join(mkdtempSync(join(tmpdir(), 'ser-runui-')), 'notes.txt');
    writeFileSync(text, 'x');
    const d = capture();
    expect(await runUi({ startDir: text, engine: 'auto' }, d.io)).toBe(1);
    expect(d.err).toEqual([`error: ${text}: neither a folder nor an audio file (.wav, .flac, .mp3, .ogg, .opus, .aiff); name a folder of recordings\n`]);
  });
});
