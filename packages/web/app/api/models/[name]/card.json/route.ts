/** GET /api/models/<name>/card.json: the model's card.json, for running it in the browser (cached with an ETag). */
import { apiRoute } from '../../../../../lib/server/route';
import { serveModelFile } from '../../../../../lib/server/model-files';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = apiRoute<{ name: string }>(({ request }, params) => serveModelFile(request, params.name, 'card.json'));
