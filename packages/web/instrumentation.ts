/**
 * Runs once when the Next.js server starts. Route handlers cannot see the client's socket, so the server stamps
 * each request with its socket address for the API's per-client rate limit (lib/server/client-address.ts says why
 * X-Forwarded-For alone would let any client choose its own bucket).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { installClientAddressStamp } = await import('./lib/server/client-address');
  installClientAddressStamp();
}
