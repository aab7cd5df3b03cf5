import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../src/program.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

/** A 16-bit mono WAV of a 0.5-amplitude sine. */
function wav(seconds: number, rate = 16000): Uint8Array {
  const n = Math.round(seconds * rate);
  const b = new Uint8Array(44 + 2 * n);
  const v = new DataView(b.buffer);
  const w = (at: number, s: string) => [...s].forEach((c, i) => v.setUint8(at + i, c.charCodeAt(0)));
  w(0, 'RIFF'); v.setUint32(4, 36 + 2 * n, true); w(8, 'WAVE');
  w(12, 'fmt '); v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
  v.setUint32(24, rate, true); v.setUint32(28, rate * 2, true); v.setUint16(32, 2, true); v.setUint16(34, 16, true);
  w(36, 'data'); v.setUint32(40, 2 * n, true);
  for (let i = 0; i < n; i++) v.setInt16(44 + 2 * i, Math.round(16384 * Math.sin((2 * Math.PI * 440 * i) / rate)), true);
  return b;
}

describe('ser info', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ser-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const good = join(dir, 'tone.wav');
  writeFileSync(good, wav(1.25));
  const corrupt = join(dir, 'corrupt.wav');
  writeFileSync(corrupt, new Uint8Array([1, 2, 3, 4, 5]));

  it('prints the audio summary with levels', async () => {
    const c = capture();
    expect(await run(['info', good], c.io)).toBe(0);
    const text = c.out.join('');
    expect(text).toContain('WAV (pcm-int, 16-bit)');
    expect(text).toMatch(/sample rate +16000 Hz/);
    expect(text).toMatch(/duration +1\.250 s \(20,000 frames\)/);
    expect(text).toMatch(/peak +-6\.0 dBFS/); // amplitude 0.5
    expect(text).toMatch(/rms +-9\.0 dBFS/); // 0.5 / sqrt(2)
  });

  it('--json prints one object per file with null levels for silence', async () => {
    const silent = join(dir, 'silent.wav');
    writeFileSync(silent, wav(0));
    const s = new Uint8Array(wav(0.1));
    s.fill(0, 44);
    writeFileSync(silent, s);
    const c = capture();
    expect(await run(['info', '--json', good, silent], c.io)).toBe(0);
    const parsed = JSON.parse(c.out.join(''));
    expect(parsed).toHaveLength(2);
    expect(parsed[0]).toMatchObject({ file: good, format: 'wav', sampleRate: 16000, channels: 1, frames: 20000 });
    expect(parsed[1].peakDbfs).toBeNull();
  });

  it('reports a corrupt and a missing file in one line each, still reports the good one, and exits 1', async () => {
    const c = capture();
    expect(await run(['info', corrupt, good, join(dir, 'nope.wav')], c.io)).toBe(1);
    const err = c.err.join('');
    expect(err).toContain(`error: ${corrupt}: not an audio file we recognise (only 5 bytes)`);
    expect(err).toContain('nope.wav: no such file; check the path');
    expect(err).toContain('2 of 3 files failed');
    expect(err).not.toMatch(/\n\s+at /); // no stack trace without --debug
    expect(c.out.join('')).toContain('tone.wav');
  });

  it('shows a stack trace with --debug', async () => {
    const c = capture();
    await run(['--debug', 'info', corrupt], c.io);
    expect(c.err.join('')).toMatch(/\n\s+at /);
  });

  it('exits 2 with usage help on a missing argument or unknown command', async () => {
    const c = capture();
    expect(await run(['info'], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/missing required argument 'files'/);
    expect(await run(['frobnicate'], capture().io)).toBe(2);
  });

  it('--help lists the commands with examples', async () => {
    const c = capture();
    expect(await run(['info', '--help'], c.io)).toBe(0);
    expect(c.out.join('')).toContain('ser info --json');
  });
});
