/**
 * POST /api/batch: many recordings in one request (multipart files, or one zip of them). Each file is decoded and
 * classified on its own through the inference gate, so a batch takes turns with single predictions instead of
 * holding the CPU; a file that fails becomes an entry with `error` and the others still run. The whole batch has a
 * deadline: files not reached by then are answered with an error entry, not left hanging.
 */
import type { EmotionModel } from '@ser/core';
import type { BatchResult } from '../api-types';
import type { ServerLimits } from './config';
import { knownHttpError, tooLarge } from './errors';
import { predictUpload } from './inference';
import { runBounded, type InferenceGate } from './timeout';
import type { UploadedFile } from './upload';
import { looksLikeZip, readZip, type ZipMember } from './zip';

/** Zip members that are folders or metadata do not count, but walking a huge directory must stop somewhere. */
const ENTRIES_PER_FILE = 4;

/** The uploads with every zip replaced by its members, in order; 413 beyond the file limit. */
export function expandUploads(uploads: UploadedFile[], lim: ServerLimits): ZipMember[] {
  const members: ZipMember[] = [];
  for (const u of uploads) {
    if (!looksLikeZip(u.bytes)) {
      members.push(u);
      continue;
    }
    const inner = readZip(u.bytes, {
      maxFiles: lim.batchMaxFiles,
      maxEntries: lim.batchMaxFiles * ENTRIES_PER_FILE,
      maxFileBytes: lim.maxUploadBytes,
      maxTotalBytes: lim.batchMaxBytes,
    });
    // Several zips in one form: name members by their zip so that equal inner names stay apart.
    members.push(...(uploads.length > 1 ? inner.map((m) => ({ ...m, name: `${u.name}/${m.name}` })) : inner));
  }
  if (members.length > lim.batchMaxFiles) throw tooLarge(`the batch holds ${members.length} files; at most ${lim.batchMaxFiles} are accepted per request`);
  return members;
}

export interface BatchOptions {
  lim: ServerLimits;
  gate: InferenceGate;
  signal?: AbortSignal;
}

export async function predictBatch(model: EmotionModel, members: ZipMember[], { lim, gate, signal }: BatchOptions): Promise<BatchResult> {
  const deadline = Date.now() + lim.batchTimeoutMs;
  const results: BatchResult['results'] = [];
  for (const m of members) {
    if (signal?.aborted) break; // the client left: nobody will read the rest
    if ('error' in m) {
      results.push({ file: m.name, error: m.error });
      continue;
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      results.push({ file: m.name, error: `not analysed: the batch ran past its limit of ${Math.round(lim.batchTimeoutMs / 1000)} s; send the rest in another request` });
      continue;
    }
    if (m.bytes.byteLength > lim.maxUploadBytes) {
      results.push({ file: m.name, error: `${m.name}: the file is larger than ${Math.round(lim.maxUploadBytes / 1048576)} MB, the limit per file` });
      continue;
    }
    try {
      const work = () => predictUpload(model, m, lim, false);
      results.push(await runBounded(work, { timeoutMs: Math.min(lim.timeoutMs, left), gate, ...(signal ? { signal } : {}) }));
    } catch (err) {
      const known = knownHttpError(err);
      if (!known) console.error(`[ser web] POST /api/batch: ${m.name}: unexpected error`, err);
      results.push({ file: m.name, error: known ? known.message : 'internal error' });
    }
  }
  return { labels: model.labels, results };
}
