import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether an external program (sox, opusenc) is on PATH; .ci/run installs them. */
export function hasTool(name: string): boolean {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status !== null && spawnSync('which', [name], { stdio: 'ignore' }).status === 0;
}

/** A scratch directory removed by the returned cleanup function. */
export function scratchDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ser-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `sox <in.wav> <args...> <out>` on a WAV we wrote and returns the output file's bytes. */
export function soxConvert(wav: Uint8Array, outName: string, args: string[], dir: string): Uint8Array {
  const input = join(dir, `in-${outName}.wav`);
  const output = join(dir, outName);
  writeFileSync(input, wav);
  execFileSync('sox', ['-V1', input, ...args, output]);
  return readFileSync(output);
}

export function opusEncode(wav: Uint8Array, dir: string): Uint8Array {
  const input = join(dir, 'in-opus.wav');
  const output = join(dir, 'out.opus');
  writeFileSync(input, wav);
  execFileSync('opusenc', ['--quiet', input, output]);
  return readFileSync(output);
}
