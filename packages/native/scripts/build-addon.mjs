#!/usr/bin/env node
// Builds ser_native.node with cmake-js (against node-api headers only: package.json declares binary.napi_versions,
// so nothing is downloaded).
//
//   node scripts/build-addon.mjs          Release build into build/Release/ser_native.node
//   node scripts/build-addon.mjs --asan   ASan + UBSan build into build-asan/RelWithDebInfo/ser_native.node
//
// Without cmake or a C++ compiler it warns and exits 0: @ser/core then uses its TypeScript engine. With
// SER_REQUIRE_NATIVE=1 (CI) or --asan, a missing toolchain or a failed build is an error.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const asan = process.argv.includes('--asan');
const required = process.env.SER_REQUIRE_NATIVE === '1' || asan;
const config = asan ? 'RelWithDebInfo' : 'Release';
const outDir = join(pkgDir, asan ? 'build-asan' : 'build');
const addon = join(outDir, config, 'ser_native.node');

const fixes =
  'To build it: install cmake (>= 3.15) and a C++17 compiler (e.g. `sudo apt-get install cmake g++`), ' +
  'then run `npm run build -w @ser/native`.';

function giveUp(reason) {
  if (required) {
    console.error(`@ser/native: ${reason}. ${fixes}`);
    if (!asan) console.error('(SER_REQUIRE_NATIVE=1 is set, so a missing native addon is an error.)');
    process.exit(1);
  }
  console.warn(
    `warning: @ser/native: ${reason}; the C++ addon was not built and the TypeScript feature engine will be used ` +
      `instead (same results, slower). ${fixes}`,
  );
  process.exit(0);
}

function runs(cmd, args = ['--version']) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

const missing = [];
if (!runs(process.env.CMAKE ?? 'cmake')) missing.push('cmake');
const compilers = process.env.CXX ? [process.env.CXX] : ['c++', 'g++', 'clang++'];
if (!compilers.some((c) => runs(c))) missing.push('a C++ compiler (g++ or clang++)');
if (missing.length > 0) giveUp(`${missing.join(' and ')} not found`);

let cmakeJs;
try {
  cmakeJs = createRequire(import.meta.url).resolve('cmake-js/bin/cmake-js');
} catch {
  giveUp('cmake-js is not installed (run `npm install` at the repository root)');
}

const args = [
  cmakeJs,
  'build',
  '--directory',
  pkgDir,
  '--out',
  outDir,
  '--config',
  config,
  '--parallel',
  String(availableParallelism()),
  '--log-level',
  'warn',
];
if (asan) args.push('--CDSER_SANITIZE=ON');
const started = Date.now();
const r = spawnSync(process.execPath, args, { cwd: pkgDir, stdio: 'inherit' });
if (r.error || r.status !== 0) giveUp(`the addon build failed (cmake-js exit ${r.status ?? r.error?.message})`);
if (!existsSync(addon)) giveUp(`the build finished but ${relative(pkgDir, addon)} is missing`);
console.log(`@ser/native: built ${relative(pkgDir, addon)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
