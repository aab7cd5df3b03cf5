/**
 * The evaluation report written by `npm run eval` (`ser compare`), read per request: it changes when the eval is
 * run again and is small. It evaluates architectures, not model folders, so a model's page gets the runs of its
 * card's architecture. No report yet is `null`; a damaged one is logged and also `null`, since the page can live
 * without it.
 */
import { readFile } from 'node:fs/promises';
import type { EvaluationEntry, EvaluationReport } from '../api-types';
import { evalReportPath } from './repo';

interface ReportFile {
  created?: unknown;
  results?: unknown;
}

export async function evaluationReportFor(architecture: string): Promise<EvaluationReport | null> {
  const path = evalReportPath();
  if (!path) return null;
  let json: ReportFile;
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as ReportFile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') console.error(`[ser web] ${path} cannot be read:`, err instanceof Error ? err.message : err);
    return null;
  }
  if (!Array.isArray(json.results)) {
    console.error(`[ser web] ${path} has no "results" list; run \`npm run eval\` again`);
    return null;
  }
  const all = json.results.filter((r): r is EvaluationEntry => typeof r === 'object' && r !== null && typeof (r as { model?: unknown }).model === 'string');
  return {
    created: typeof json.created === 'string' ? json.created : '',
    architecture,
    results: all.filter((r) => r.model === architecture),
    comparedModels: [...new Set(all.map((r) => r.model))],
  };
}
