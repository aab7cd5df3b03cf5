/**
 * `ser record`: listens to the microphone (arecord, else sox) and says every second which emotion the last few
 * seconds carry. The recorder is a child process writing 16 kHz mono 16-bit PCM to its stdout, so any source that
 * can do the same works through $SER_RECORD_COMMAND (a file replayed by sox, a network stream).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rename, writeFile } from 'node:fs/promises';
import { EmotionModel, SerError, encodeWav, type EngineChoice } from '@ser/core';
import type { Io } from '../io.js';
import { bar } from './predict.js';

export class RecordError extends SerError {}

export interface RecordOptions {
  model?: string;
  engine: EngineChoice;
  /** Seconds of audio each prediction looks at. */
  window: number;
  /** Seconds between predictions. */
  every: number;
  /** Stop after this many seconds (default: until Ctrl-C or the source ends). */
  duration?: number;
  /** Save what was recorded as a WAV file. */
  out?: string;
  /** Windows quieter than this (dBFS RMS) are reported as silence instead of classified. */
  silenceDb: number;
  json: boolean;
  /** Stops the recording when aborted (Ctrl-C in the binary). */
  signal?: AbortSignal;
}

const RATE = 16000;

/** The recorder command: $SER_RECORD_COMMAND, arecord, or sox's default input device. */
export function recorderCommand(env: NodeJS.ProcessEnv = process.env): { command: string; args: string[]; shell: boolean } {
  const custom = env.SER_RECORD_COMMAND;
  if (custom) return { command: custom, args: [], shell: true };
  if (has('arecord')) return { command: 'arecord', args: ['-q', '-t', 'raw', '-f', 'S16_LE', '-c', '1', '-r', String(RATE)], shell: false };
  if (has('sox')) return { command: 'sox', args: ['-q', '-d', '-t', 'raw', '-r', String(RATE), '-e', 'signed', '-b', '16', '-c', '1', '-'], shell: false };
  throw new RecordError('no recorder found: install alsa-utils (arecord) or sox, or set SER_RECORD_COMMAND to a command writing 16 kHz mono s16le PCM to stdout');
}

/** Shifts `ring` left by `fresh.length` and appends `fresh` (which is never longer than the ring here). */
function push(ring: Float32Array, fresh: Float32Array): void {
  if (fresh.length >= ring.length) {
    ring.set(fresh.subarray(fresh.length - ring.length));
    return;
  }
  ring.copyWithin(0, fresh.length);
  ring.set(fresh, ring.length - fresh.length);
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

const dbfs = (samples: Float32Array) => {
  let s = 0;
  for (const v of samples) s += v * v;
  return samples.length ? 10 * Math.log10(s / samples.length + 1e-20) : -Infinity;
};

/** Returns the number of predictions made. */
export async function recordCommand(opts: RecordOptions, io: Io): Promise<number> {
  const model = await EmotionModel.load(opts.model, { engine: opts.engine, onWarning: (m) => io.err(`warning: ${m}\n`) });
  const rec = recorderCommand();
  const child: ChildProcess = spawn(rec.command, rec.args, { shell: rec.shell, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => child.kill('SIGTERM');
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const windowLen = Math.round(opts.window * RATE);
  const step = Math.round(opts.every * RATE);
  const limit = opts.duration === undefined ? Infinity : Math.round(opts.duration * RATE);
  const kept: Float32Array[] = []; // the whole recording, only with --out
  const ring = new Float32Array(windowLen);
  let total = 0;
  let nextAt = step;
  let predictions = 0;
  let carry: Buffer | undefined;
  // Predictions run one after another, behind the recording; the first failure stops the recording.
  let busy = Promise.resolve();
  let failure: unknown;
  const later = (task: () => Promise<void>) => {
    busy = busy.then(task).catch((err: unknown) => {
      failure ??= err;
      stop();
    });
  };
  opts.signal?.addEventListener('abort', stop, { once: true });
  if (!opts.json) io.err(`listening (${rec.command}); ${opts.window} s windows every ${opts.every} s; Ctrl-C to stop\n`);

  const classify = async (at: number, samples: Float32Array) => {
    const t = at / RATE;
    const level = dbfs(samples);
    if (level < opts.silenceDb) {
      io.out(opts.json ? `${JSON.stringify({ time: t, silence: true, level })}\n` : `${t.toFixed(1).padStart(7)} s  (silence, ${level.toFixed(0)} dBFS)\n`);
      return;
    }
    const p = await model.predict({ samples, sampleRate: RATE });
    predictions++;
    const top = p.scores[p.label]!;
    io.out(opts.json ? `${JSON.stringify({ time: t, label: p.label, scores: p.scores })}\n` : `${t.toFixed(1).padStart(7)} s  ${p.label.padEnd(10)} ${bar(top, 10)} ${(100 * top).toFixed(1)}%\n`);
  };

  try {
    await new Promise<void>((resolve, reject) => {
      child.on('error', (err) => reject(new RecordError(`cannot start the recorder ${rec.command} (${err.message}); install it or set SER_RECORD_COMMAND`, { cause: err })));
      child.on('close', (code) => {
        if (code !== 0 && code !== null && total === 0 && !opts.signal?.aborted) {
          reject(new RecordError(`the recorder ${rec.command} stopped with code ${code}: ${stderr.trim().split('\n').pop() ?? ''}; check that a microphone is connected (arecord -l) or set SER_RECORD_COMMAND`));
        } else resolve();
      });
      child.stdout!.on('data', (chunk: Buffer) => {
        const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
        const n = Math.min(buf.length >> 1, limit - total);
        carry = buf.length % 2 ? buf.subarray(buf.length - 1) : undefined;
        const fresh = new Float32Array(n);
        for (let i = 0; i < n; i++) fresh[i] = buf.readInt16LE(2 * i) / 32768;
        if (opts.out) kept.push(fresh);
        // Feed the ring buffer (the last window) up to each prediction point, so a snapshot is always its end.
        for (let from = 0; from < n; ) {
          const m = Math.min(n - from, nextAt - total);
          push(ring, fresh.subarray(from, from + m));
          from += m;
          total += m;
          if (total === nextAt) {
            const at = total;
            const snapshot = ring.slice(windowLen - Math.min(total, windowLen));
            later(() => classify(at, snapshot));
            nextAt += step;
          }
        }
        if (total >= limit) stop();
      });
    });
    // A source that ends (a replayed file) gets its last partial step classified too.
    if (total > nextAt - step) {
      const snapshot = ring.slice(windowLen - Math.min(total, windowLen));
      later(() => classify(total, snapshot));
    }
    await busy;
    if (failure) throw failure;
  } finally {
    opts.signal?.removeEventListener('abort', stop);
    if (child.exitCode === null) child.kill('SIGTERM');
    await model.dispose();
  }
  if (opts.out) {
    const all = new Float32Array(total);
    let at = 0;
    for (const k of kept) {
      all.set(k, at);
      at += k.length;
    }
    const tmp = `${opts.out}.${process.pid}.tmp`;
    await writeFile(tmp, encodeWav(all, RATE));
    await rename(tmp, opts.out);
    io.err(`recording saved to ${opts.out} (${(total / RATE).toFixed(1)} s)\n`);
  }
  return predictions;
}
