/** GET /api/models: every model folder this server has (card and size), "default" first. */
import type { ModelSummary } from '../../../lib/api-types';
import { jsonResponse } from '../../../lib/server/errors';
import { listModelFolders } from '../../../lib/server/model';
import { apiRoute } from '../../../lib/server/route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = apiRoute(async () => {
  const models: ModelSummary[] = (await listModelFolders()).map(({ name, card, bytes }) => ({ name, card, bytes }));
  return jsonResponse(models);
});
