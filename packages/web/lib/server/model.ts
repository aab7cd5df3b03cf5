/**
 * Model folders for the routes: one EmotionModel per folder, loaded on first use and shared by every request (an
 * onnxruntime session is safe to run concurrently). Names come from URLs, so they are checked against a strict
 * pattern before they touch the file system: no "..", no slashes, no surprises.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EmotionModel, ModelCard } from '@ser/core';
import { loadCore } from './core';
import { HttpError, badRequest } from './errors';
import { modelsRoot } from './repo';

export const DEFAULT_MODEL = 'default';
const MODEL_NAME = /^[a-z0-9_-]{1,64}$/;

/** A model folder on disk, as the models routes describe it. */
export interface ModelFolder {
  name: string;
  dir: string;
  card: ModelCard;
  /** Size of model.onnx: what a browser downloads to run the model itself. */
  bytes: number;
}

/** Checks a model name from a URL; absent or empty means the default model. */
export function checkModelName(raw: string | null | undefined): string {
  if (raw === null || raw === undefined || raw === '') return DEFAULT_MODEL;
  if (!MODEL_NAME.test(raw)) {
    throw badRequest(`model name ${JSON.stringify(raw.slice(0, 80))} is not valid: use lower-case letters, digits, "-" and "_" (see GET /api/models)`);
  }
  return raw;
}

/** The folder of a checked name: $SER_MODEL_DIR for the default model when set (as `ser web --model` does). */
function folderOf(name: string): string | undefined {
  if (name === DEFAULT_MODEL && process.env.SER_MODEL_DIR) return resolve(process.env.SER_MODEL_DIR);
  const root = modelsRoot();
  return root ? join(root, name) : undefined;
}

const notFound = (name: string) => new HttpError(404, `no model named "${name}": GET /api/models lists the models this server has`);

/** A model folder's card and size; 404 when there is no such folder, 500 (logged) when its card is broken. */
export async function readModelFolder(name: string): Promise<ModelFolder> {
  const dir = folderOf(name);
  if (!dir) throw notFound(name);
  let cardText: string;
  let bytes: number;
  try {
    const onnx = await stat(join(dir, 'model.onnx'));
    if (!onnx.isFile()) throw notFound(name);
    bytes = onnx.size;
    cardText = await readFile(join(dir, 'card.json'), 'utf8');
  } catch (err) {
    if (err instanceof HttpError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw notFound(name);
    throw err;
  }
  const { parseModelCard } = await loadCore();
  const card = parseModelCard(JSON.parse(cardText) as unknown, join(dir, 'card.json'));
  return { name, dir, card, bytes };
}

/** Every folder under the models root that holds card.json and model.onnx; broken ones are logged and left out. */
export async function listModelFolders(): Promise<ModelFolder[]> {
  const root = modelsRoot();
  const names = new Set<string>();
  if (root) {
    try {
      for (const e of await readdir(root, { withFileTypes: true })) if (e.isDirectory() && MODEL_NAME.test(e.name)) names.add(e.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  if (process.env.SER_MODEL_DIR) names.add(DEFAULT_MODEL);
  const out: ModelFolder[] = [];
  for (const name of [...names].sort((a, b) => (a === DEFAULT_MODEL ? -1 : b === DEFAULT_MODEL ? 1 : a.localeCompare(b)))) {
    try {
      out.push(await readModelFolder(name));
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) continue; // a folder that is not a model (yet)
      console.error(`[ser web] models/${name} is left out of the list:`, err instanceof Error ? err.message : err);
    }
  }
  return out;
}

const CACHE = Symbol.for('ser.web.models');
type Holder = { [CACHE]?: Map<string, Promise<EmotionModel>> };

function cache(): Map<string, Promise<EmotionModel>> {
  const g = globalThis as Holder;
  return (g[CACHE] ??= new Map());
}

/**
 * The loaded model of a checked name, shared by every request. A failed load is not cached, so a model trained
 * while the server runs is picked up by the next request; a model replaced on disk needs a restart.
 */
export async function getModel(name: string): Promise<EmotionModel> {
  const models = cache();
  let loading = models.get(name);
  if (!loading) {
    const dir = folderOf(name);
    if (!dir) throw notFound(name);
    // Cached before the first await, so that concurrent first requests share one load.
    loading = (async () => {
      const card = await stat(join(dir, 'card.json')).catch(() => undefined);
      if (!card?.isFile()) throw notFound(name);
      const { EmotionModel } = await loadCore();
      return EmotionModel.load(dir, { onWarning: (m) => console.warn(`[ser web] ${m}`) });
    })();
    models.set(name, loading);
    loading.catch(() => models.delete(name));
  }
  try {
    return await loading;
  } catch (err) {
    if (err instanceof Error && err.name === 'ModelError') {
      console.error(`[ser web] model "${name}" cannot be loaded:`, err.message);
      throw new HttpError(500, `model "${name}" cannot be loaded on the server; its log says why`);
    }
    throw err;
  }
}
