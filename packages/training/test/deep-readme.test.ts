// The README's deep-model example, run as written (against this package's source instead of the built entry point).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';

afterEach(() => vi.restoreAllMocks());

it('the README deep-model example runs and prints what it says', async () => {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Deep models'));
  const code = /```ts\n([^`]*)```/.exec(section)?.[1];
  expect(code).toBeDefined();
  const src = join(import.meta.dirname, '..', 'src', 'index.ts');
  const file = join(import.meta.dirname, `.deep-readme-example-${process.pid}.ts`);
  try {
    writeFileSync(file, code!.replace("from '@ser/training'", `from ${JSON.stringify(src)}`));
    const logs: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args));
    await import(file);
    const expected = [...code!.matchAll(/console\.log\(.*\); \/\/ (.*)/g)].map((m) => m[1]);
    expect(logs.map((args) => args.map(String).join(' '))).toEqual(expected);
  } finally {
    rmSync(file, { force: true });
  }
}, 120_000);
