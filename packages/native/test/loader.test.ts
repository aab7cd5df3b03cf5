// The loader: candidates, the NativeLoadError it throws, and the engine's public surface.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { NATIVE_ABI, NativeEngine, NativeLoadError, loadBinding, loadNativeEngine, nativeCandidates } from '../src/index.js';
import { tryEngine } from './helpers.js';

const { engine } = tryEngine();

describe('loader', () => {
  it('looks in SER_NATIVE_PATH when set, otherwise in the local build', () => {
    expect(nativeCandidates({})).toEqual([
      { path: expect.stringMatching(/build[\\/]Release[\\/]ser_native\.node$/) as string, source: 'local build' },
    ]);
    expect(nativeCandidates({ SER_NATIVE_PATH: '/opt/x/ser_native.node' })).toEqual([
      { path: '/opt/x/ser_native.node', source: 'SER_NATIVE_PATH' },
    ]);
  });

  it('throws NativeLoadError listing what was tried and the fixes', () => {
    let error: unknown;
    try {
      loadBinding({ SER_NATIVE_PATH: '/nonexistent/ser_native.node' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NativeLoadError);
    expect(error).toBeInstanceOf(Error);
    const e = error as NativeLoadError;
    expect(e.name).toBe('NativeLoadError');
    expect(e.attempts).toHaveLength(1);
    expect(e.attempts[0]!.path).toBe('/nonexistent/ser_native.node');
    expect(e.message).toContain('/nonexistent/ser_native.node (SER_NATIVE_PATH)');
    expect(e.message).toContain('npm run build -w @ser/native');
    expect(e.message).toMatch(/cmake/);
    expect(e.cause).toBeInstanceOf(Error);
  });

  it('refuses a file that is not the addon', () => {
    const notAddon = join(import.meta.dirname, 'helpers.ts');
    expect(() => loadBinding({ SER_NATIVE_PATH: notAddon })).toThrow(NativeLoadError);
  });
});

describe.skipIf(!engine)('engine surface', () => {
  it('is a FeatureEngine named native with a version, threads and features', () => {
    const e = loadNativeEngine();
    expect(e).toBe(engine);
    expect(e).toBeInstanceOf(NativeEngine);
    expect(e.name).toBe('native');
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(e.version).toBe(pkg.version);
    expect(e.threadCount()).toBeGreaterThanOrEqual(1);
    expect([...e.features].sort()).toEqual(['chromaCqt', 'chromaStft', 'contrast', 'harmonic', 'logmel', 'mel', 'mfcc', 'stft', 'tonnetz']);
    expect(loadBinding().binding.abi).toBe(NATIVE_ABI);
    if (process.env['SER_NATIVE_PATH']) expect(e.path).toBe(process.env['SER_NATIVE_PATH']);
  });
});
