/**
 * POST /api/predict: one recording in (multipart field "file", or the raw bytes), one line of `ser predict --json`
 * out. `?segments=1` adds the duration and 3 s windows every 1 s; `?model=<name>` picks a model folder; `?name=`
 * names a raw upload in the answer.
 */
import { checkModelName, getModel } from '../../../lib/server/model';
import { jsonResponse } from '../../../lib/server/errors';
import { predictUpload } from '../../../lib/server/inference';
import { apiRoute, methodNotAllowed } from '../../../lib/server/route';
import { runBounded } from '../../../lib/server/timeout';
import { readSingleUpload } from '../../../lib/server/upload';
import type { PredictResult } from '../../../lib/api-types';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = apiRoute(async ({ request, url, limits, gate, scope }) => {
  const model = await getModel(checkModelName(url.searchParams.get('model')));
  const file = await readSingleUpload(request, { maxBytes: limits.maxUploadBytes, maxInflightBytes: limits.maxInflightBytes }, scope);
  const segments = ['1', 'true', 'yes'].includes(url.searchParams.get('segments') ?? '');
  const result: PredictResult = await runBounded(() => predictUpload(model, file, limits, segments), { timeoutMs: limits.timeoutMs, gate, signal: request.signal });
  return jsonResponse(result);
});

const hint = 'POST an audio file to /api/predict (multipart field "file", or the raw bytes as application/octet-stream)';
export const GET = methodNotAllowed('POST', hint);
export const PUT = GET;
export const DELETE = GET;
export const PATCH = GET;
