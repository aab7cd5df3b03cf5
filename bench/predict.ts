// `ser predict` end to end through the binary, as a user runs it over a whole corpus: files/s, x real time and peak
// memory (GNU time's max RSS), beside `ser info` (decoding alone) over the same files in the same run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAudio } from '@ser/core';
import { table } from './timing.js';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'packages', 'cli', 'bin', 'ser.js');
const data = process.env.SER_DATA_DIR ?? resolve(root, '../shared/data');

interface Measured {
  seconds: number;
  peakMb: number;
  stdout: string;
  status: number | null;
}

/** Runs the binary under GNU time for wall seconds and max RSS. */
function timed(args: string[]): Measured {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, bin, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 });
  const [wall, rssKb] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
  return { seconds: wall!, peakMb: rssKb! / 1024, stdout: r.stdout, status: r.status };
}

async function audioSeconds(files: string[]): Promise<number> {
  let total = 0;
  for (const f of files) total += (await loadAudio(f)).durationSec;
  return total;
}

/** Every file must come back once, with scores summing to 1 and the label being the top score. */
function checkJson(stdout: string, files: string[]): void {
  const lines = stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { file: string; label: string; scores: Record<string, number> });
  if (lines.length !== files.length) throw new Error(`ser predict printed ${lines.length} results for ${files.length} files`);
  for (const p of lines) {
    const values = Object.values(p.scores);
    if (Math.abs(values.reduce((a, b) => a + b, 0) - 1) > 1e-4 || p.scores[p.label] !== Math.max(...values)) throw new Error(`bad result for ${p.file}`);
  }
}

export async function run(): Promise<void> {
  if (!existsSync(bin) || !existsSync('/usr/bin/time')) {
    console.log('skipped: needs the built CLI and GNU time (/usr/bin/time)');
    return;
  }
  const sets = [
    { name: 'EMO-DB', dirs: [join(data, 'emodb', 'wav')] },
    { name: 'EMO-DB + RAVDESS', dirs: [join(data, 'emodb', 'wav'), join(data, 'ravdess')] },
  ].filter((s) => s.dirs.every(existsSync));
  if (sets.length === 0) {
    console.log(`skipped: no corpora under ${data} (set SER_DATA_DIR)`);
    return;
  }
  const rows: (string | number)[][] = [];
  for (const set of sets) {
    const files = set.dirs.flatMap((d) => readdirSync(d, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.wav')).map((f) => join(d, f)));
    const seconds = await audioSeconds(files);
    for (const [label, args] of [
      ['ser predict --json (native)', ['predict', '--json', ...set.dirs]],
      ['ser predict --json --engine typescript', ['predict', '--json', '--engine', 'typescript', ...set.dirs]],
      ['ser info --json (decode only)', ['info', '--json', ...files]],
    ] as [string, string[]][]) {
      if (label.includes('typescript') && files.length > 500) continue; // the slow twin once is enough
      const m = timed(args);
      if (m.status !== 0) throw new Error(`${label} exited with ${m.status}`);
      if (args[0] === 'predict') checkJson(m.stdout, files);
      rows.push([set.name, label, files.length, `${(seconds / 60).toFixed(1)} min`, m.seconds.toFixed(1), (files.length / m.seconds).toFixed(1), `${(seconds / m.seconds).toFixed(0)}x`, `${m.peakMb.toFixed(0)} MB`]);
    }
  }
  console.log(table(['corpus', 'command', 'files', 'audio', 'wall s', 'files/s', 'x real time', 'peak RSS'], rows));
}
