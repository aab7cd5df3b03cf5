/**
 * Who sent a request, for the rate limiter. A Next.js route handler sees a Web Request without the socket, and the
 * only address Next passes on is X-Forwarded-For, which `next start` fills from the socket only when the client did
 * not send one (`??=` in next/dist/server/base-server.js, Next 16.4): any client can pick its own bucket. So the
 * instrumentation hook (instrumentation.ts, run once when the server starts) stamps every incoming request with its
 * socket's address in a header of our own, overwriting whatever the client put there. X-Forwarded-For is believed
 * only with SER_WEB_TRUST_PROXY=1, when a proxy in front of the server sets it.
 */
import http, { type IncomingMessage } from 'node:http';

/** Set by the stamp from the socket, never from the client. */
export const CLIENT_ADDRESS_HEADER = 'x-ser-client-address';

const INSTALLED = Symbol.for('ser.web.clientAddressStamp');
type Patched = typeof http.Server.prototype & { [INSTALLED]?: true };

/** Stamps each request that any http.Server of this process receives with its socket address. Idempotent. */
export function installClientAddressStamp(): void {
  const proto = http.Server.prototype as Patched;
  if (proto[INSTALLED]) return;
  const emit = proto.emit;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const req = args[0] as IncomingMessage;
      req.headers[CLIENT_ADDRESS_HEADER] = req.socket?.remoteAddress ?? 'unknown';
    }
    return (emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean).call(this, event, ...args);
  } as typeof proto.emit;
  proto[INSTALLED] = true;
}

/**
 * One rate-limit key per client: IPv4 as is (IPv4-mapped IPv6 unwrapped), IPv6 by its /64, since one host usually
 * owns a whole /64 and could otherwise rotate through fresh addresses.
 */
export function addressKey(address: string): string {
  const a = address.trim().toLowerCase().replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1]!;
  if (!a.includes(':')) return a;
  const [head, tail = ''] = a.split('::');
  const left = head ? head.split(':') : [];
  const right = a.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = a.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

let warnedUnstamped = false;

/** The client of a request: see the module comment for what is trusted. */
export function clientAddress(request: Request, trustProxy: boolean): string {
  if (trustProxy) {
    // A proxy appends the address it saw; entries to its left came from the client and prove nothing.
    const last = request.headers.get('x-forwarded-for')?.split(',').pop()?.trim();
    if (last) return last;
  }
  const stamped = request.headers.get(CLIENT_ADDRESS_HEADER);
  if (stamped) return stamped;
  if (!warnedUnstamped) {
    warnedUnstamped = true;
    console.warn('[ser web] requests carry no socket address (instrumentation.ts did not run?): every client shares one rate-limit bucket');
  }
  return 'unknown';
}
