/** GET /api/models/<name>: the model's card, size, and the evaluation report's runs of its architecture. */
import type { ModelDetail } from '../../../../lib/api-types';
import { jsonResponse } from '../../../../lib/server/errors';
import { checkModelName, readModelFolder } from '../../../../lib/server/model';
import { evaluationReportFor } from '../../../../lib/server/report';
import { apiRoute } from '../../../../lib/server/route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = apiRoute<{ name: string }>(async (_ctx, params) => {
  const { name, card, bytes } = await readModelFolder(checkModelName(params.name));
  const detail: ModelDetail = { name, card, bytes, report: await evaluationReportFor(card.architecture) };
  return jsonResponse(detail);
});
