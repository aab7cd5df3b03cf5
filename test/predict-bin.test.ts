/**
 * `ser predict` through the linked binary, as a new user runs it: with the repository's default model when
 * models/default/ exists, otherwise one clear line telling them what to do (no stack trace), exit code 1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'node_modules', '.bin', 'ser');
const hasDefault = existsSync(join(root, 'models', 'default', 'card.json'));
const sample = join(root, 'samples', 'hello.wav');
const env = { ...process.env };
delete env.SER_MODEL_DIR;

describe('ser predict (binary)', () => {
  it.skipIf(hasDefault)('without models/default/ and --model: one line naming --model and `ser train`, exit 1', () => {
    const r = spawnSync(bin, ['predict', join(root, 'README.md')], { cwd: root, encoding: 'utf8', env });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: no model given and no default model found .*--model <dir>.*`ser train`\n$/);
  });

  it.skipIf(!hasDefault || !existsSync(sample))('with models/default/: classifies the sample clip', () => {
    const r = spawnSync(bin, ['predict', '--json', sample], { cwd: root, encoding: 'utf8', env });
    expect(r.status, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.file).toBe(sample);
    expect(Object.values<number>(p.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(p.scores[p.label]).toBe(Math.max(...Object.values<number>(p.scores)));
  });

  it('a missing --model folder: one line, exit 1', () => {
    const r = spawnSync(bin, ['predict', '--model', 'no/such/model', 'x.wav'], { cwd: root, encoding: 'utf8', env });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('error: no/such/model: no such model folder; pass another folder with --model, or train one with `ser train`\n');
  });

  it('a reader that stops early (| head) ends the command quietly: no EPIPE stack trace', () => {
    const r = spawnSync('sh', ['-c', `"${bin}" features --format csv --preset logmel "${sample}" | head -1`], { cwd: root, encoding: 'utf8', env });
    expect(r.stdout.split('\n')[0]).toMatch(/^file,frame,logmel_1,/);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
  });

  const emodb = join(process.env.SER_DATA_DIR ?? join(root, '..', 'shared', 'data'), 'emodb', 'wav');
  it.skipIf(!hasDefault || !existsSync(emodb))('all of EMO-DB in one call: one valid JSON line per file, in file order', () => {
    const files = readdirSync(emodb).filter((f) => f.endsWith('.wav')).sort().map((f) => join(emodb, f));
    const r = spawnSync(bin, ['predict', '--json', emodb], { cwd: root, encoding: 'utf8', env, maxBuffer: 1 << 26 });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { file: string; label: string; scores: Record<string, number> });
    expect(lines.map((l) => l.file)).toEqual(files);
    const labels = JSON.parse(readFileSync(join(root, 'models', 'default', 'card.json'), 'utf8')).labels as string[];
    for (const l of lines) {
      expect(Object.keys(l.scores)).toEqual(labels);
      expect(Object.values(l.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(l.scores[l.label]).toBe(Math.max(...Object.values(l.scores)));
    }
  }, 120_000);
});
