/**
 * Finds and loads ser_native.node, in the manner of lovell/sharp: a list of candidates, and an error that says what
 * was tried and how to fix it. @ser/core catches NativeLoadError and falls back to its TypeScript engine.
 *
 * Candidates: `SER_NATIVE_PATH` when set (then it is the only one: an explicit choice, e.g. the ASan build, must not
 * be silently replaced by another build), otherwise `build/Release/ser_native.node` in this package.
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { NativeBinding, NativeLoadAttempt } from './native-types.js';

/** The binding contract this wrapper speaks (cpp/addon.cpp kAbi). */
export const NATIVE_ABI = 1;

/** This package's root: the loader runs from src/ (tests) or dist/ (built), both one level down. */
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

const FIXES = [
  'install cmake (>= 3.15) and a C++17 compiler (g++ or clang++), e.g. `sudo apt-get install cmake g++`',
  'build the addon: `npm run build -w @ser/native`',
  'or set SER_NATIVE_PATH to a built ser_native.node',
];

export class NativeLoadError extends Error {
  override readonly name = 'NativeLoadError';
  readonly attempts: readonly NativeLoadAttempt[];

  constructor(attempts: readonly NativeLoadAttempt[], cause?: unknown) {
    const tried = attempts.map((a) => `  - ${a.path} (${a.source}): ${a.error}`).join('\n');
    super(
      '@ser/native: the C++ addon could not be loaded.\n' +
        `Tried:\n${tried}\n` +
        `Fixes:\n${FIXES.map((f) => `  - ${f}`).join('\n')}\n` +
        '@ser/core uses its TypeScript feature engine (same results, slower) until the addon loads.',
      { cause },
    );
    this.attempts = attempts;
  }
}

export interface NativeCandidate {
  path: string;
  source: NativeLoadAttempt['source'];
}

/** Where the loader looks, in order. */
export function nativeCandidates(env: NodeJS.ProcessEnv = process.env): NativeCandidate[] {
  const explicit = env['SER_NATIVE_PATH'];
  if (explicit !== undefined && explicit !== '') return [{ path: resolve(explicit), source: 'SER_NATIVE_PATH' }];
  return [{ path: join(packageRoot, 'build', 'Release', 'ser_native.node'), source: 'local build' }];
}

function message(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0] ?? e.message;
  return String(e);
}

function isBinding(m: unknown): m is NativeBinding {
  if (typeof m !== 'object' || m === null) return false;
  const b = m as Record<string, unknown>;
  return (
    typeof b['compute'] === 'function' &&
    typeof b['computeBatch'] === 'function' &&
    typeof b['threadCount'] === 'function' &&
    typeof b['version'] === 'string' &&
    typeof b['abi'] === 'number' &&
    Array.isArray(b['features'])
  );
}

const loaded = new Map<string, NativeBinding>();

/** Loads the addon (cached per file); throws NativeLoadError listing every attempt and the fixes. */
export function loadBinding(env: NodeJS.ProcessEnv = process.env): { binding: NativeBinding; path: string } {
  const require = createRequire(import.meta.url);
  const attempts: NativeLoadAttempt[] = [];
  let lastError: unknown;
  for (const candidate of nativeCandidates(env)) {
    const hit = loaded.get(candidate.path);
    if (hit) return { binding: hit, path: candidate.path };
    try {
      const mod: unknown = require(candidate.path);
      if (!isBinding(mod)) throw new Error('not a ser_native addon (unexpected exports)');
      if (mod.abi !== NATIVE_ABI) {
        throw new Error(`stale build: addon ABI ${mod.abi}, this package expects ${NATIVE_ABI}; rebuild it`);
      }
      loaded.set(candidate.path, mod);
      return { binding: mod, path: candidate.path };
    } catch (e) {
      lastError = e;
      attempts.push({ ...candidate, error: message(e) });
    }
  }
  throw new NativeLoadError(attempts, lastError);
}
