/**
 * Where the server finds models and the evaluation report. `next start` runs in packages/web, `ser web` too, a test
 * may run anywhere: walk up from the working directory (then from this bundle's own location) to the repository
 * root, the folder whose package.json declares the workspaces. Environment variables override each path.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function isWorkspaceRoot(dir: string): boolean {
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) return false;
  try {
    return Array.isArray((JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown }).workspaces);
  } catch {
    return false;
  }
}

function walkUp(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (isWorkspaceRoot(dir)) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function moduleDir(): string | undefined {
  try {
    return dirname(fileURLToPath(import.meta.url));
  } catch {
    return undefined; // bundled as CommonJS or with a non-file URL: the working directory is all we have
  }
}

let cachedRoot: string | null | undefined;

/** The repository root, or undefined when the server runs outside a clone. */
export function repoRoot(): string | undefined {
  if (cachedRoot === undefined) {
    const here = moduleDir();
    cachedRoot = walkUp(process.cwd()) ?? (here ? walkUp(here) : undefined) ?? null;
  }
  return cachedRoot ?? undefined;
}

/** The folder holding one folder per model: $SER_MODELS_ROOT, else <repo>/models. */
export function modelsRoot(): string | undefined {
  const env = process.env.SER_MODELS_ROOT;
  if (env) return resolve(env);
  const root = repoRoot();
  return root ? join(root, 'models') : undefined;
}

/** `ser compare`'s report: $SER_EVAL_REPORT, else <repo>/docs/eval/report.json (written by `npm run eval`). */
export function evalReportPath(): string | undefined {
  const env = process.env.SER_EVAL_REPORT;
  if (env) return resolve(env);
  const root = repoRoot();
  return root ? join(root, 'docs', 'eval', 'report.json') : undefined;
}
