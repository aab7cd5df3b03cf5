/**
 * Every failure a route answers with: a status and one sentence for the client. Client faults are 4xx with a message
 * that says what to do; anything we did not expect is logged here and answered as a bare 500, so no stack trace,
 * server path or library message reaches the client.
 */
import type { ApiError } from '../api-types';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** 413: over a size, duration or count limit. */
export const tooLarge = (message: string) => new HttpError(413, message);
/** 415: content that is not something we read. */
export const unsupported = (message: string) => new HttpError(415, message);
/** 422: well-formed request, but the audio in it cannot be analysed. */
export const unprocessable = (message: string) => new HttpError(422, message);
export const badRequest = (message: string) => new HttpError(400, message);

/**
 * @ser/core says "over the limit" only in the message of an AudioDecodeError (there is no limit error class yet);
 * those are size faults (413), every other decode failure is unreadable audio (422).
 */
const LIMIT_REASON = /over the limit of/;

/**
 * Our typed errors to statuses; undefined for anything unexpected. @ser/core's errors are told by name (SerError sets
 * it to the class name), which holds whichever copy of the package threw them.
 */
export function knownHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (!(err instanceof Error)) return undefined;
  if (err.name === 'AudioDecodeError') return new HttpError(LIMIT_REASON.test(String((err as { reason?: unknown }).reason ?? '')) ? 413 : 422, err.message);
  if (err.name === 'FeatureError') return unprocessable(err.message);
  return undefined;
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { 'Cache-Control': 'no-store', ...headers } });
}

/** The answer for any error: known ones with their status and message, the rest logged and hidden behind a 500. */
export function errorResponse(err: unknown, where: string): Response {
  const known = knownHttpError(err);
  if (known) return jsonResponse({ error: known.message } satisfies ApiError, known.status, known.headers);
  console.error(`[ser web] ${where}: unexpected error`, err);
  return jsonResponse({ error: 'internal error' } satisfies ApiError, 500);
}
