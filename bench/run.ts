// `npm run bench [-- suite...]`: runs the named suites (all when none) against the built packages.
import { cpus } from 'node:os';

const SUITES: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  audio: () => import('./audio.js'),
  features: () => import('./features.js'),
  training: () => import('./training.js'),
  predict: () => import('./predict.js'),
  web: () => import('./web.js'),
};

const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = asked.filter((s) => !(s in SUITES));
if (unknown.length > 0) {
  console.error(`unknown bench suite(s): ${unknown.join(', ')}; available: ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}
console.log(`ser bench ${new Date().toISOString().slice(0, 10)} | ${cpus()[0]?.model ?? 'cpu'} x${cpus().length} | node ${process.version}`);
for (const name of asked.length > 0 ? asked : Object.keys(SUITES)) {
  console.log(`\n## ${name}`);
  await (await SUITES[name]!()).run();
}
