/**
 * `ser web`: serves the dashboard (packages/web, built with `next build`) on this machine. The CLI does not depend on
 * the web package; it finds it beside itself in the repository and runs its `next start`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SerError } from '@ser/core';
import type { Io } from '../io.js';

export class WebError extends SerError {}

export interface WebOptions {
  port: number;
  host: string;
  /** Model folder for the server's predictions (sets SER_MODEL_DIR). */
  model?: string;
  signal?: AbortSignal;
}

/** packages/web of this repository: walk up from this module to the folder holding packages/web/package.json. */
export function findWebPackage(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'packages', 'web');
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** Resolves when the server exits (Ctrl-C stops it); rejects with WebError when it cannot start. */
export async function webCommand(opts: WebOptions, io: Io): Promise<number> {
  const web = findWebPackage();
  if (!web) throw new WebError('the dashboard (packages/web) is not in this installation; run ser web from a clone of the repository');
  if (!existsSync(join(web, '.next', 'BUILD_ID'))) {
    throw new WebError(`the dashboard is not built: run \`npm run build -w @ser/web\` (or \`npm run setup\`) in ${resolve(web, '..', '..')}, then ser web again`);
  }
  let nextBin: string;
  try {
    nextBin = createRequire(join(web, 'package.json')).resolve('next/dist/bin/next');
  } catch (err) {
    throw new WebError('Next.js is not installed for the dashboard: run `npm install` in the repository', { cause: err });
  }
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...(opts.model ? { SER_MODEL_DIR: resolve(opts.model) } : {}) };
  const child = spawn(process.execPath, [nextBin, 'start', '-p', String(opts.port), '-H', opts.host], { cwd: web, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${opts.port}/`;
  let announced = false;
  child.stdout!.on('data', (d: Buffer) => {
    const text = d.toString();
    if (!announced && /Ready|started server|Local:/i.test(text)) {
      announced = true;
      io.out(`ser dashboard: ${url} (Ctrl-C to stop)\n`);
    }
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
    io.err(d.toString());
  });
  opts.signal?.addEventListener('abort', () => child.kill('SIGTERM'), { once: true });
  const code = await new Promise<number>((resolveExit, reject) => {
    child.on('error', (err) => reject(new WebError(`cannot start Next.js (${err.message})`, { cause: err })));
    child.on('close', (c) => resolveExit(c ?? 0));
  });
  if (code !== 0 && !opts.signal?.aborted) {
    const inUse = /EADDRINUSE/.test(stderr) ? `; port ${opts.port} is in use: pick another with --port` : '';
    throw new WebError(`the dashboard server stopped with code ${code}${inUse}`);
  }
  return 0;
}
