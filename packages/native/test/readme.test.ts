// The README's example, run as written (against this package's source instead of the built entry point).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, expect, it, vi } from 'vitest';

import { tryEngine } from './helpers.js';

const { engine } = tryEngine();

afterEach(() => vi.restoreAllMocks());

it.skipIf(!engine)('the README example runs and prints what it says', async () => {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const code = /```ts\n([^`]*)```/.exec(readme)?.[1];
  expect(code).toBeDefined();
  const src = join(import.meta.dirname, '..', 'src', 'index.ts');
  const dir = mkdtempSync(join(tmpdir(), 'ser-native-readme-'));
  try {
    const file = join(dir, 'example.ts');
    writeFileSync(file, code!.replace("from '@ser/native'", `from ${JSON.stringify(src)}`));
    const logs: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args));
    await import(file);
    // Each console.log line in the example documents its output in a trailing comment.
    const expected = [...code!.matchAll(/console\.log\(.*\); \/\/ (.*)/g)].map((m) => m[1]);
    expect(logs.map((args) => args.map(String).join(' '))).toEqual(expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
