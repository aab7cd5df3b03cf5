/**
 * The files of a model folder for in-browser inference: model.onnx and card.json, streamed from disk with an ETag
 * so a browser that has them already gets a 304 instead of the download again. A retrained model changes size or
 * time, hence its ETag, and browsers revalidate every minute.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { checkModelName, readModelFolder } from './model';

const TYPES = { 'model.onnx': 'application/octet-stream', 'card.json': 'application/json' } as const;
export type ModelFileName = keyof typeof TYPES;

export async function serveModelFile(request: Request, rawName: string, file: ModelFileName): Promise<Response> {
  const { dir } = await readModelFolder(checkModelName(rawName)); // 404 unless it is a whole, readable model
  const path = join(dir, file);
  const s = await stat(path);
  const etag = `"${s.size.toString(16)}-${Math.floor(s.mtimeMs).toString(16)}"`;
  const headers: Record<string, string> = {
    ETag: etag,
    'Last-Modified': s.mtime.toUTCString(),
    'Cache-Control': 'public, max-age=60, must-revalidate',
  };
  const match = request.headers.get('if-none-match');
  if (match && match.split(',').some((t) => t.trim() === etag || t.trim() === '*')) return new Response(null, { status: 304, headers });
  const body = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
  return new Response(body, { headers: { ...headers, 'Content-Type': TYPES[file], 'Content-Length': String(s.size) } });
}
