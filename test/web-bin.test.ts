/** `ser web` serves the built dashboard on loopback and stops cleanly on Ctrl-C (SIGINT). */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'node_modules', '.bin', 'ser');
const built = existsSync(join(root, 'packages', 'web', '.next', 'BUILD_ID'));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('ser web (binary)', () => {
  it('the dashboard must be built for this test: npm run build -w @ser/web', () => {
    expect(built, 'packages/web/.next is missing: run `npm run build -w @ser/web` (npm test builds it first)').toBe(true);
  });

  it.skipIf(!built)('announces its URL, answers /api/health and the Analyse page, and exits on SIGINT', async () => {
    const port = await freePort();
    const child = spawn(bin, ['web', '--port', String(port)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!out.includes(`ser dashboard: http://127.0.0.1:${port}/`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(out).toContain(`ser dashboard: http://127.0.0.1:${port}/`);
      const health = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(health.status).toBe(200);
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).not.toBeNull();
  }, 90_000);

  it('a port in use: one clear line, exit 1', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((r) => blocker.listen(0, '127.0.0.1', () => r((blocker.address() as { port: number }).port)));
    try {
      const child = spawn(bin, ['web', '--port', String(port)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
      if (!built) {
        expect(err).toContain('the dashboard is not built');
      } else {
        expect(err).toContain(`port ${port} is in use: pick another with --port`);
      }
      expect(code).toBe(1);
    } finally {
      blocker.close();
    }
  }, 90_000);
});
