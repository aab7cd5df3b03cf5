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
    expect(blocks).toEqual(['npm run setup && npx ser predict samples/hello.wav', 'npm test']);
  });

  const sample = join(root, 'samples', 'hello.wav');
  if (!existsSync(sample)) console.warn('samples/hello.wav is missing: run `npm run setup` (needs espeak-ng) to make it');

  it.skipIf(!existsSync(sample))('the main job classifies the sample clip that setup synthesised, with the default model', () => {
    const env = { ...process.env };
    delete env.SER_MODEL_DIR;
    const r = spawnSync(bin, ['predict', sample], { cwd: root, encoding: 'utf8', env });
    expect(r.status, r.stderr).toBe(0);
    const labels = JSON.parse(readFileSync(join(root, 'models', 'default', 'card.json'), 'utf8')).labels as string[];
    const [head, ...bars] = r.stdout.trimEnd().split('\n');
    expect(head).toMatch(new RegExp(`^${sample.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (${labels.join('|')}) \\d+\\.\\d%$`));
    expect(bars).toHaveLength(labels.length);
  });

  it('the binary is linked by npm install, reports its version and refuses an unknown command politely', () => {
    expect(existsSync(bin)).toBe(true);
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const r = spawnSync(bin, ['nonsense'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'nonsense'/);
  });
});
