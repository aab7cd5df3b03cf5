/** `ser features`: the same numbers as FeatureExtractor, as JSON lines, CSV and .npy files numpy can read. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTIONALS_LENGTH, FeatureExtractor, functionalNames, loadAudio } from '@ser/core';
import { afterAll, describe, expect, it } from 'vitest';
import { classic193Names } from '../src/commands/features.js';
import { encodeNpy } from '../src/npy.js';
import { run } from '../src/program.js';
import { writeClips } from './helpers/models.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out: () => out.join(''), err: () => err.join('') };
}

const work = mkdtempSync(join(tmpdir(), 'ser-features-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const clips = writeClips(join(work, 'clips'));
const fx = new FeatureExtractor();
const samples = async (f: string) => (await loadAudio(f, { sampleRate: 16000 })).samples;
const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

describe('ser features', () => {
  it('classic193 as JSON lines: the extractor\'s vector for each file', async () => {
    const c = capture();
    expect(await run(['features', clips[0]!, clips[1]!], c.io)).toBe(0);
    const lines = c.out().trimEnd().split('\n').map((l) => JSON.parse(l) as { file: string; sampleRate: number; classic193: number[] });
    expect(lines.map((l) => l.file)).toEqual([clips[0], clips[1]]);
    for (const l of lines) {
      const expected = fx.classic193(await samples(l.file), 16000);
      expect(l.sampleRate).toBe(16000);
      expect(l.classic193).toHaveLength(193);
      l.classic193.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
    }
  });

  it('single features as matrices: MFCC 40 x frames and chroma 12 x frames', async () => {
    const c = capture();
    expect(await run(['features', '--feature', 'mfcc,chroma-stft', clips[1]!], c.io)).toBe(0);
    const l = JSON.parse(c.out()) as Record<string, { rows: number; cols: number; data: number[][] }>;
    const r = fx.compute(await samples(clips[1]!), 16000, ['mfcc', 'chromaStft']);
    expect([l.mfcc!.rows, l.mfcc!.cols]).toEqual([40, r.mfcc!.cols]);
    expect(l['chroma-stft']!.rows).toBe(12);
    expect(l.mfcc!.data[3]![5]).toBeCloseTo(r.mfcc!.data[3 * r.mfcc!.cols + 5]!, 4);
  });

  it('CSV: named columns, one row per file for a vector and one per frame for a matrix', async () => {
    const c = capture();
    expect(await run(['features', '--format', 'csv', '--preset', 'classic193', clips[0]!, clips[1]!], c.io)).toBe(0);
    const [header, ...rows] = c.out().trimEnd().split('\n');
    expect(header!.split(',')).toEqual(['file', ...classic193Names()]);
    expect(header).toContain('mfcc_40,chroma_stft_1');
    expect(rows).toHaveLength(2);
    const expected = fx.classic193(await samples(clips[0]!), 16000);
    rows[0]!.split(',').slice(1).forEach((v, i) => expect(Number(v)).toBeCloseTo(expected[i]!, 4));
    const m = capture();
    expect(await run(['features', '--format', 'csv', '--preset', 'logmel', clips[0]!], m.io)).toBe(0);
    const lines = m.out().trimEnd().split('\n');
    const logmel = fx.logmel(await samples(clips[0]!), 16000);
    expect(lines[0]!.split(',')).toHaveLength(2 + 128);
    expect(lines).toHaveLength(1 + logmel.cols);
  });

  it('functionals as CSV: one row per file under the statistics\' names', async () => {
    const c = capture();
    expect(await run(['features', '--format', 'csv', '--preset', 'functionals', clips[0]!], c.io)).toBe(0);
    const [header, row] = c.out().trimEnd().split('\n');
    expect(header!.split(',')).toEqual(['file', ...functionalNames()]);
    expect(header).toContain('pitch_semitones_mean');
    const values = row!.split(',').slice(1).map(Number);
    expect(values).toHaveLength(FUNCTIONALS_LENGTH);
    const expected = fx.functionals(await samples(clips[0]!), 16000);
    values.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
  });

  it('CSV holds one table: two features are a usage error naming the alternatives', async () => {
    const c = capture();
    expect(await run(['features', '--format', 'csv', '--feature', 'mfcc,mel', clips[0]!], c.io)).toBe(1);
    expect(c.err()).toBe('error: --format csv holds one table: pick one --feature, or use --format json or npy for several\n');
  });

  it('.npy files: one per file and feature, readable by numpy with the right shape and values', async () => {
    const out = join(work, 'npy');
    const c = capture();
    expect(await run(['features', '--format', 'npy', '--out', out, '--feature', 'mfcc', '--preset', 'x', clips[0]!], c.io)).toBe(2); // --preset conflicts
    const d = capture();
    expect(await run(['features', '--format', 'npy', '--out', out, '--feature', 'mfcc,logmel', clips[0]!, clips[1]!], d.io)).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['one.logmel.npy', 'one.mfcc.npy', 'two.logmel.npy', 'two.mfcc.npy']);
    const bytes = readFileSync(join(out, 'two.mfcc.npy'));
    const r = fx.compute(await samples(clips[1]!), 16000, ['mfcc']).mfcc!;
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    const headerLen = bytes.readUInt16LE(8);
    expect((10 + headerLen) % 64).toBe(0);
    expect(bytes.subarray(10, 10 + headerLen).toString('latin1')).toContain(`'shape': (40, ${r.cols})`);
    expect(bytes.readFloatLE(10 + headerLen + 4 * (2 * r.cols + 7))).toBeCloseTo(r.data[2 * r.cols + 7]!, 5);
    if (hasNumpy) {
      const py = spawnSync('python3', ['-c', `import numpy as np; a = np.load(${JSON.stringify(join(out, 'two.mfcc.npy'))}); print(a.shape, a.dtype, float(a[2, 7]))`], { encoding: 'utf8' });
      expect(py.stdout.trim()).toMatch(new RegExp(`^\\(40, ${r.cols}\\) float32 `));
      expect(Number(py.stdout.trim().split(' ').pop())).toBeCloseTo(r.data[2 * r.cols + 7]!, 4);
    }
  });

  it('npy without --out, and a corrupt file among good ones: clear errors, the others still written', async () => {
    const c = capture();
    expect(await run(['features', '--format', 'npy', clips[0]!], c.io)).toBe(1);
    expect(c.err()).toContain('--format npy writes one .npy file per file and feature: name a folder with --out <dir>');
    const d = capture();
    expect(await run(['features', clips[0]!, join(work, 'missing.wav')], d.io)).toBe(1);
    expect(d.out().trimEnd().split('\n')).toHaveLength(1);
    expect(d.err()).toContain(`1 of 2 files failed:\n  ${join(work, 'missing.wav')}`);
  });

  it('encodeNpy pads the header to 64 bytes and refuses a shape that does not match the data', () => {
    const b = encodeNpy(Float32Array.from([1, 2, 3]), [3]);
    expect(b.subarray(10, 10 + b.readUInt16LE(8)).toString('latin1')).toContain("'shape': (3,)");
    expect(b.length).toBe(128 + 12); // 10-byte preamble + 56-byte dict do not fit in 64
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow(/holds 6 values, got 5/);
  });
});
