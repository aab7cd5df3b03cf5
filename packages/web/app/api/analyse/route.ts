/**
 * POST /api/analyse: everything the Analyse page draws from one upload, computed once: prediction, emotions over
 * time, labels, waveform envelope and log-mel spectrogram. Same upload rules and `?model=` as /api/predict.
 */
import { checkModelName, getModel } from '../../../lib/server/model';
import { jsonResponse } from '../../../lib/server/errors';
import { analyseUpload } from '../../../lib/server/inference';
import { apiRoute, methodNotAllowed } from '../../../lib/server/route';
import { runBounded } from '../../../lib/server/timeout';
import { readSingleUpload } from '../../../lib/server/upload';
import type { AnalyseResult } from '../../../lib/api-types';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = apiRoute(async ({ request, url, limits, gate, scope }) => {
  const name = checkModelName(url.searchParams.get('model'));
  const model = await getModel(name);
  const file = await readSingleUpload(request, { maxBytes: limits.maxUploadBytes, maxInflightBytes: limits.maxInflightBytes }, scope);
  const result: AnalyseResult = await runBounded(() => analyseUpload(model, name, file, limits), { timeoutMs: limits.timeoutMs, gate, signal: request.signal });
  return jsonResponse(result);
});

const hint = 'POST an audio file to /api/analyse (multipart field "file", or the raw bytes as application/octet-stream)';
export const GET = methodNotAllowed('POST', hint);
export const PUT = GET;
export const DELETE = GET;
export const PATCH = GET;
