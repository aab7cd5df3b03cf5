// onnxruntime-web loads its wasm at run time from a URL; serve the files from this origin (public/ort/), copied
// from the installed package before each build, never committed.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const dist = dirname(require.resolve('onnxruntime-web'));
const target = join(import.meta.dirname, '..', 'public', 'ort');
mkdirSync(target, { recursive: true });
const files = readdirSync(dist).filter((f) => /^ort-wasm-simd-threaded\.(wasm|mjs)$/.test(f));
for (const f of files) copyFileSync(join(dist, f), join(target, f));
console.log(`copied ${files.join(', ')} to public/ort/`);
