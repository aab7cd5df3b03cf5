/**
 * What every API route shares: the per-client rate limit, the request's clean-up list, and the error contract
 * (JSON `{ error }`, 4xx for client faults, a logged bare 500 for anything else). A route is one function of the
 * request; this wrapper makes it an App Router handler.
 */
import { clientAddress, addressKey } from './client-address';
import { limits, type ServerLimits } from './config';
import { HttpError, errorResponse, jsonResponse } from './errors';
import { sharedRateLimiter } from './rate-limit';
import { sharedGate, type InferenceGate } from './timeout';
import type { RequestScope } from './upload';

export interface RouteContext {
  request: Request;
  url: URL;
  limits: ServerLimits;
  gate: InferenceGate;
  scope: RequestScope;
}

export interface RouteOptions {
  /** Health checks are exempt; everything else counts against the client's bucket. */
  rateLimited?: boolean;
}

/** Next passes dynamic segments as a promise. */
export type Segments<P> = { params: Promise<P> };

function rateLimit(request: Request, lim: ServerLimits): void {
  const limiter = sharedRateLimiter(lim.ratePerSec, lim.rateBurst);
  if (!limiter) return;
  const decision = limiter.take(addressKey(clientAddress(request, lim.trustProxy)));
  if (!decision.ok) {
    throw new HttpError(
      429,
      `too many requests: at most ${limiter.rate} per second (bursts of ${limiter.burst}) per client; retry in ${decision.retryAfterSec} s`,
      { 'Retry-After': String(decision.retryAfterSec) },
    );
  }
}

export function apiRoute<P = Record<string, never>>(
  handler: (ctx: RouteContext, params: P) => Promise<Response>,
  options: RouteOptions = {},
): (request: Request, segments: Segments<P>) => Promise<Response> {
  return async (request, segments) => {
    const cleanups: (() => void)[] = [];
    const url = new URL(request.url);
    try {
      const lim = limits();
      if (options.rateLimited !== false) rateLimit(request, lim);
      const ctx: RouteContext = {
        request,
        url,
        limits: lim,
        gate: sharedGate(lim.concurrency, lim.maxQueue),
        scope: { defer: (fn) => cleanups.push(fn) },
      };
      return await handler(ctx, await segments.params);
    } catch (err) {
      return errorResponse(err, `${request.method} ${url.pathname}`);
    } finally {
      for (const fn of cleanups) fn();
    }
  };
}

/** A handler for the methods a route does not have: 405 with Allow and a sentence saying what to send. */
export function methodNotAllowed(allow: string, hint: string): () => Response {
  return () => jsonResponse({ error: `method not allowed: ${hint}` }, 405, { Allow: allow });
}
