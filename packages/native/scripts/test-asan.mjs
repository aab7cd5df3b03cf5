#!/usr/bin/env node
// Builds the AddressSanitizer + UndefinedBehaviorSanitizer addon into build-asan/ and runs the native test suite
// against it. An ASan library inside a non-ASan node needs the ASan runtime preloaded (LD_PRELOAD); leak detection is
// off because node itself does not free everything at exit. Any ASan or UBSan report aborts the run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const addon = join(pkgDir, 'build-asan', 'RelWithDebInfo', 'ser_native.node');

function run(cmd, args, env) {
  const r = spawnSync(cmd, args, { cwd: pkgDir, stdio: 'inherit', env });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

if (run(process.execPath, [join(pkgDir, 'scripts', 'build-addon.mjs'), '--asan'], process.env) !== 0) process.exit(1);
if (!existsSync(addon)) {
  console.error(`test:asan: ${addon} is missing after the build`);
  process.exit(1);
}

const cxx = process.env.CXX ?? 'g++';
const found = spawnSync(cxx, ['-print-file-name=libasan.so'], { encoding: 'utf8' });
const libasan = found.stdout?.trim() ?? '';
if (found.status !== 0 || !libasan.startsWith('/') || !existsSync(libasan)) {
  console.error(`test:asan: cannot find libasan.so with \`${cxx} -print-file-name=libasan.so\` (got "${libasan}")`);
  process.exit(1);
}

const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const env = {
  ...process.env,
  LD_PRELOAD: [libasan, process.env.LD_PRELOAD].filter(Boolean).join(':'),
  ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1',
  UBSAN_OPTIONS: 'halt_on_error=1:abort_on_error=1:print_stacktrace=1',
  SER_NATIVE_PATH: addon,
  SER_NATIVE_ASAN: '1',
  SER_REQUIRE_NATIVE: '1',
};
console.log(`test:asan: running the native tests against ${addon} (LD_PRELOAD=${libasan})`);
const status = run(process.execPath, [vitest, 'run', '--config', join(pkgDir, 'vitest.config.ts')], env);
if (status !== 0) {
  console.error('test:asan: FAILED (a sanitizer report above aborts the process; otherwise a test failed)');
  process.exit(status);
}
console.log('test:asan: clean (no AddressSanitizer or UndefinedBehaviorSanitizer reports)');
