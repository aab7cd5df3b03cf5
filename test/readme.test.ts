import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const bin = join(root, 'node_modules', '.bin', 'ser');

describe('README commands', () => {
  it('shows exactly two commands in sh blocks: set up + main job, and the tests', () => {
    const blocks = [...readme.matchAll(/```sh\n([^`]*)```/g)].map((m) => m[1]!.trim());
    expect(blocks).toEqual(['npm run setup && npx ser info samples/hello.wav', 'npm test']);
  });

  const sample = join(root, 'samples', 'hello.wav');
  if (!existsSync(sample)) console.warn('samples/hello.wav is missing: run `npm run setup` (needs espeak-ng) to make it');

  it.skipIf(!existsSync(sample))('the main job runs on the sample clip that setup synthesised', () => {
    const r = spawnSync(bin, ['info', sample], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/format +WAV/);
    expect(r.stdout).toMatch(/duration +[1-9]\d*\.\d{3} s/);
  });

  it('the binary is linked by npm install, reports its version and refuses an unknown command politely', () => {
    expect(existsSync(bin)).toBe(true);
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const r = spawnSync(bin, ['nonsense'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'nonsense'/);
  });
});
