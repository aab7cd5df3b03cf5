/**
 * The built dashboard as a real server for the API tests and the web bench: `next start` on a free loopback port,
 * ready once /api/health answers, stopped by its own pid. Requests go through node:http rather than fetch, so a
 * test can pick the source address (one rate-limit bucket per address), stream a body and stop midway, or send
 * bytes no well-behaved client would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const WEB_DIR = resolve(import.meta.dirname, '..', '..');
export const REPO_ROOT = resolve(WEB_DIR, '..', '..');

export interface RunningServer {
  port: number;
  host: string;
  base: string;
  child: ChildProcess;
  /** The server's recent output, for failure messages. */
  output(): string;
  alive(): boolean;
  stop(): Promise<void>;
}

function freePort(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolvePort(port));
    });
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const s = statSync(join(dir, entry));
    if (s.isFile()) newest = Math.max(newest, s.mtimeMs);
  }
  return newest;
}

/**
 * The folder whose `.next` build is served: packages/web, or SER_WEB_TEST_APP_DIR (a separate build of the same
 * routes). Missing build: an error that says how to make it; sources newer than the build: a warning.
 */
export function builtAppDir(): string {
  const dir = process.env.SER_WEB_TEST_APP_DIR ? resolve(process.env.SER_WEB_TEST_APP_DIR) : WEB_DIR;
  const buildId = join(dir, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) {
    throw new Error(`the dashboard is not built (no ${buildId}): run \`npm run build -w @ser/web\` (the root \`npm test\` builds it first)`);
  }
  const built = statSync(buildId).mtimeMs;
  const sources = Math.max(newestMtime(join(dir, 'app', 'api')), newestMtime(join(dir, 'lib', 'server')));
  if (sources > built) console.warn(`warning: ${dir}/.next is older than the API sources; rebuild with \`npm run build -w @ser/web\` to test the current code`);
  return dir;
}

export async function startServer(env: Record<string, string> = {}, host = '127.0.0.1'): Promise<RunningServer> {
  const dir = builtAppDir();
  const nextBin = createRequire(join(dir, 'package.json')).resolve('next/dist/bin/next');
  const port = await freePort(host);
  const child = spawn(process.execPath, [nextBin, 'start', '-p', String(port), '-H', host], {
    cwd: dir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (d: Buffer) => {
    log = (log + d.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const server: RunningServer = {
    port,
    host,
    base: `http://${host}:${port}`,
    child,
    output: () => log,
    alive: () => !exited,
    stop: () =>
      new Promise<void>((done) => {
        if (exited) return done();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(kill);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`next start exited before it was ready:\n${log}`);
    try {
      const r = await request(server, 'GET', '/api/health');
      if (r.status === 200) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`next start did not answer /api/health within 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Source address of the connection (any 127.x.y.z works on Linux loopback). */
  localAddress?: string;
  timeoutMs?: number;
}

/** One request on a fresh connection; resolves with the whole reply. */
export function request(server: Pick<RunningServer, 'host' | 'port'>, method: string, path: string, opts: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolveReply, reject) => {
    const body = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
    const req = http.request(
      {
        host: server.host,
        port: server.port,
        method,
        path,
        agent: false,
        ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
        headers: { ...(body ? { 'content-length': String(body.byteLength) } : {}), ...opts.headers },
        timeout: opts.timeoutMs ?? 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          let json: unknown;
          try {
            json = JSON.parse(buf.toString('utf8'));
          } catch {
            json = undefined;
          }
          resolveReply({ status: res.statusCode ?? 0, headers: res.headers, body: buf, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${opts.timeoutMs ?? 60_000} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Streams up to `maxBytes` of zeros as a chunked body, stopping as soon as the server answers. Resolves with the
 * answer and how many bytes went out before it came: a server that reads only up to its cap answers long before
 * the end.
 */
export function streamUntilAnswered(
  server: Pick<RunningServer, 'host' | 'port'>,
  path: string,
  maxBytes: number,
  headers: Record<string, string> = {},
): Promise<{ reply: Reply; sent: number }> {
  return new Promise((resolveReply, reject) => {
    let sent = 0;
    let answered = false;
    const chunk = Buffer.alloc(64 * 1024);
    const req = http.request({ host: server.host, port: server.port, method: 'POST', path, agent: false, headers: { 'transfer-encoding': 'chunked', ...headers } }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        let json: unknown;
        try {
          json = JSON.parse(buf.toString('utf8'));
        } catch {
          json = undefined;
        }
        req.destroy();
        resolveReply({ reply: { status: res.statusCode ?? 0, headers: res.headers, body: buf, json }, sent });
      });
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const pump = () => {
      while (!answered && sent < maxBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}
