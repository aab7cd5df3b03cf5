import { SerError } from '@ser/core';

/** Bad usage of the command line itself (a missing argument, an unknown option). */
export class UsageError extends SerError {}

/**
 * One clear line for errors we expect (a missing or corrupt file); the stack only with --debug, and always for
 * bugs, which are worth a report.
 */
export function describeError(err: unknown, debug: boolean): string {
  if (err instanceof SerError && !debug) return `error: ${err.message}`;
  if (err instanceof SerError) return `error: ${err.message}\n${err.stack ?? ''}`;
  const e = err instanceof Error ? err : new Error(String(err));
  return `internal error: ${e.message}\n${e.stack ?? ''}\nThis is a bug in ser; please report it with the command you ran.`;
}
