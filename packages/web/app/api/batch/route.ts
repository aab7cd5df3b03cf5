/**
 * POST /api/batch: several recordings (multipart, every file field) or one zip of them (multipart or raw). Answers
 * one entry per file in upload order; a file that cannot be analysed is an entry with `error`, not a failed request.
 * The request itself fails (4xx) only when it is unreadable as a whole: no files, too many, a forged or oversized zip.
 */
import { expandUploads, predictBatch } from '../../../lib/server/batch';
import { jsonResponse } from '../../../lib/server/errors';
import { checkModelName, getModel } from '../../../lib/server/model';
import { apiRoute, methodNotAllowed } from '../../../lib/server/route';
import { readBatchUploads } from '../../../lib/server/upload';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = apiRoute(async ({ request, url, limits, gate, scope }) => {
  const model = await getModel(checkModelName(url.searchParams.get('model')));
  const uploads = await readBatchUploads(request, { maxBytes: limits.batchMaxBytes, maxInflightBytes: limits.maxInflightBytes, maxFiles: limits.batchMaxFiles }, scope);
  const members = expandUploads(uploads, limits);
  return jsonResponse(await predictBatch(model, members, { lim: limits, gate, signal: request.signal }));
});

const hint = 'POST several audio files (multipart, one field per file) or one zip of them to /api/batch';
export const GET = methodNotAllowed('POST', hint);
export const PUT = GET;
export const DELETE = GET;
export const PATCH = GET;
