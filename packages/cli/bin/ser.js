#!/usr/bin/env node
// A committed launcher, so npm can link the `ser` bin at install time, before the TypeScript is built.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('ser is not built yet: run `npm run setup` (or `npx nx run-many -t build`) in the repository first\n');
  process.exit(1);
}
await import(main.href);
