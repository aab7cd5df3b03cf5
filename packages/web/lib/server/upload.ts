/**
 * Request bodies in, uploaded files out: multipart/form-data (field "file", several for a batch) or the raw bytes of
 * one file. The body is counted while it streams in and refused the moment it passes the cap, so a huge upload
 * costs at most the cap in memory; all bodies held at once share a second budget, so a crowd of large uploads is
 * told to come back (503) instead of exhausting memory.
 */
import { HttpError, badRequest, tooLarge, unsupported } from './errors';

export interface UploadedFile {
  /** The client's file name without any folder part, or `?name=`, or "upload". */
  name: string;
  bytes: Uint8Array;
}

/** Things to undo when the request is answered (here: the body's share of the in-flight budget). */
export interface RequestScope {
  defer(fn: () => void): void;
}

const BUDGET = Symbol.for('ser.web.inflightBytes');
type Holder = { [BUDGET]?: { used: number } };
const budget = () => ((globalThis as Holder)[BUDGET] ??= { used: 0 });

const MiB = 1024 * 1024;
const mb = (n: number) => (n >= MiB ? `${(n / MiB).toFixed(n % MiB === 0 ? 0 : 1)} MB` : `${n} bytes`);

/**
 * The whole body, refused with 413 as soon as it passes `maxBytes` (before reading on when Content-Length says so).
 * `maxInflightBytes` bounds the bodies of all requests together (503 with Retry-After beyond it).
 */
export async function readCappedBody(request: Request, maxBytes: number, maxInflightBytes: number, scope: RequestScope): Promise<Uint8Array> {
  const overCap = () => tooLarge(`the upload is larger than ${mb(maxBytes)}, the limit of this server; send a shorter or compressed recording`);
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw overCap();
  if (!request.body) throw emptyBody();

  const shared = budget();
  let held = 0;
  scope.defer(() => {
    shared.used -= held;
    held = 0;
  });
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) throw overCap();
      if (shared.used + value.byteLength > maxInflightBytes) {
        throw new HttpError(503, 'the server is busy with other uploads; try again in a few seconds', { 'Retry-After': '5' });
      }
      shared.used += value.byteLength;
      held += value.byteLength;
      chunks.push(value);
    }
  } catch (err) {
    // Stop reading: the rest of an oversized body is discarded by the HTTP server, never buffered.
    reader.cancel().catch(() => {});
    if (err instanceof HttpError) throw err;
    throw badRequest('the upload was interrupted before its end; send it again');
  }
  if (total === 0) throw emptyBody();
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
}

const emptyBody = () =>
  badRequest('the request has no body: send an audio file as multipart/form-data (field "file") or as the raw bytes (Content-Type: application/octet-stream or audio/*)');

/** Raw bodies we take, besides multipart: the generic binary type, any audio type, Ogg, and zip (for a batch). */
const RAW_TYPES = /^(application\/octet-stream|audio\/[a-z0-9.+-]+|application\/ogg|video\/ogg|application\/(x-)?zip(-compressed)?)$/;

export type BodyKind = 'multipart' | 'raw';

/** What the Content-Type says the body is: 415 for a type that cannot carry audio, 400 for multipart without boundary. */
export function bodyKind(request: Request): BodyKind {
  const header = request.headers.get('content-type');
  if (!header) return 'raw';
  const type = header.split(';')[0]!.trim().toLowerCase();
  if (type === 'multipart/form-data') {
    if (!/;\s*boundary=/i.test(header)) throw badRequest('multipart/form-data without a boundary: let your HTTP client build the form (e.g. curl -F file=@clip.wav)');
    return 'multipart';
  }
  if (RAW_TYPES.test(type)) return 'raw';
  throw unsupported(
    `Content-Type ${JSON.stringify(type.slice(0, 60))} is not accepted: send multipart/form-data (field "file") or the raw file as application/octet-stream or audio/*`,
  );
}

/** A client's file name as a label: the last path part, printable, at most 200 characters. */
export function cleanFileName(raw: string | null | undefined, fallback = 'upload'): string {
  // eslint-disable-next-line no-control-regex
  const name = (raw ?? '').split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return name === '' || name === '.' || name === '..' ? fallback : name;
}

/** The files of a multipart body; malformed bodies are 400. */
async function multipartFiles(bytes: Uint8Array, contentType: string): Promise<{ field: string; file: File }[]> {
  let form: FormData;
  try {
    form = await new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw badRequest('malformed multipart/form-data body: it could not be parsed; let your HTTP client build the form (e.g. curl -F file=@clip.wav)');
  }
  const files: { field: string; file: File }[] = [];
  for (const [field, value] of form.entries()) if (typeof value !== 'string') files.push({ field, file: value });
  return files;
}

async function toUpload(file: File): Promise<UploadedFile> {
  return { name: cleanFileName(file.name), bytes: new Uint8Array(await file.arrayBuffer()) };
}

export interface UploadLimits {
  maxBytes: number;
  maxInflightBytes: number;
}

/** One file for /api/predict and /api/analyse: multipart field "file", or the raw body named by `?name=`. */
export async function readSingleUpload(request: Request, lim: UploadLimits, scope: RequestScope): Promise<UploadedFile> {
  const kind = bodyKind(request);
  const bytes = await readCappedBody(request, lim.maxBytes, lim.maxInflightBytes, scope);
  if (kind === 'raw') return { name: cleanFileName(new URL(request.url).searchParams.get('name')), bytes };
  const files = await multipartFiles(bytes, request.headers.get('content-type')!);
  const file = files.find((f) => f.field === 'file');
  if (!file) {
    const fields = files.length > 0 ? ` (it has file fields ${files.map((f) => JSON.stringify(f.field)).join(', ')})` : '';
    throw badRequest(`the form has no file in a field named "file"${fields}: send the audio as -F file=@clip.wav`);
  }
  if (file.file.size === 0) throw badRequest(`${cleanFileName(file.file.name)}: the file is empty (0 bytes)`);
  return toUpload(file.file);
}

/**
 * Every file of a batch request: all file fields of a multipart form in order, or the raw body as one file (a zip
 * is opened by the batch route). More than `maxFiles` files is 413.
 */
export async function readBatchUploads(request: Request, lim: UploadLimits & { maxFiles: number }, scope: RequestScope): Promise<UploadedFile[]> {
  const kind = bodyKind(request);
  const bytes = await readCappedBody(request, lim.maxBytes, lim.maxInflightBytes, scope);
  if (kind === 'raw') return [{ name: cleanFileName(new URL(request.url).searchParams.get('name')), bytes }];
  const files = await multipartFiles(bytes, request.headers.get('content-type')!);
  if (files.length === 0) throw badRequest('the form has no files: send each recording as a file field, e.g. -F file=@a.wav -F file=@b.wav');
  if (files.length > lim.maxFiles) throw tooLarge(`the batch has ${files.length} files; at most ${lim.maxFiles} are accepted per request`);
  return Promise.all(files.map((f) => toUpload(f.file)));
}
