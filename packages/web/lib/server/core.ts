/**
 * @ser/core as Node loads it, not as the bundler copies it. Turbopack bundles workspace packages even when they are
 * listed in serverExternalPackages (vercel/next.js#84388), and a bundled @ser/native looks for its compiled addon
 * next to the bundle, misses it, and falls back to the TypeScript feature engine (about 8x slower). Importing at
 * run time, behind an ignore comment, gives the server the real package from node_modules: the native engine, and
 * one copy of core (one model cache, one set of error classes) for every route.
 */
import type * as Core from '@ser/core';

export type SerCore = typeof Core;

const KEY = Symbol.for('ser.web.core');
type Holder = { [KEY]?: Promise<SerCore> };

export function loadCore(): Promise<SerCore> {
  const g = globalThis as Holder;
  return (g[KEY] ??= import(/* turbopackIgnore: true */ /* webpackIgnore: true */ '@ser/core') as Promise<SerCore>);
}
