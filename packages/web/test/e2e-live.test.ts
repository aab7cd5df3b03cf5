/**
 * The Live page end to end: the built dashboard (`next start`), a real Chromium whose fake microphone plays EMO-DB
 * recordings, and the whole in-browser path (capture worklet -> worker -> voice gate -> onnxruntime-web) down to the
 * predictions on screen. Needs `npm run build -w @ser/web` first (the root `npm test` builds every package), Chromium
 * at /usr/bin/chromium (or SER_CHROMIUM) and the corpus (SER_DATA_DIR, default ../shared/data); without Chromium or
 * the corpus the suite is skipped and says why.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav, loadAudio } from '@ser/core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const web = fileURLToPath(new URL('..', import.meta.url));
const repo = join(web, '..', '..');
const dataDir = process.env.SER_DATA_DIR ?? join(repo, '..', 'shared', 'data');
const chromiumPath = process.env.SER_CHROMIUM ?? '/usr/bin/chromium';
const shotsDir = process.env.SER_WEB_SHOTS ?? '/tmp/web-shots';
/** Anger, happiness, anger, boredom from three speakers: about 8 s with the recordings' own pauses. */
const CLIPS = ['03a01Wa.wav', '03a01Fa.wav', '08a01Wa.wav', '03a04Lc.wav'].map((f) => join(dataDir, 'emodb', 'wav', f));

const missing = [
  !existsSync(chromiumPath) && `no Chromium at ${chromiumPath} (apt-get install chromium, or set SER_CHROMIUM)`,
  !CLIPS.every((c) => existsSync(c)) && `no EMO-DB recordings under ${join(dataDir, 'emodb', 'wav')} (set SER_DATA_DIR)`,
].filter((m): m is string => typeof m === 'string');
if (missing.length > 0) console.warn(`e2e-live skipped: ${missing.join('; ')}`);

/** Chromium's fake capture reads 16-bit PCM WAV and loops it; half a second of silence separates the recordings. */
async function fakeMicrophoneWav(dir: string): Promise<string> {
  const rate = 16_000;
  const gap = new Float32Array(rate / 2);
  const parts: Float32Array[] = [];
  for (const clip of CLIPS) parts.push((await loadAudio(clip, { sampleRate: rate })).samples, gap);
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
  const path = join(dir, 'fake-microphone.wav');
  writeFileSync(path, encodeWav(all, rate));
  return path;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForHealth(base: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`next start exited with ${server.exitCode}:\n${log()}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`next start did not answer /api/health within 60 s:\n${log()}`);
}

/** Everything a page did that the test forbids: requests to other machines, console errors, uncaught errors. */
function watch(context: BrowserContext, page: Page) {
  const foreign: string[] = [];
  const errors: string[] = [];
  context.on('request', (r) => {
    const url = new URL(r.url());
    const local = url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1' || url.hostname === 'localhost';
    if (!local) foreign.push(r.url());
  });
  page.on('console', (m) => {
    // Chromium's text for a failed request names no URL: the response handler below does.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  context.on('response', (r) => {
    if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return { foreign, errors };
}

const historyItems = (page: Page) => page.locator('[data-testid=live-history] li');
const voicedItems = (page: Page) => page.locator('[data-testid=live-history] li:not([data-label=silence])');

describe.skipIf(missing.length > 0)('Live page, fake microphone', () => {
  let tmp: string;
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let base: string;
  let serverLog = '';

  beforeAll(async () => {
    if (!existsSync(join(web, '.next', 'BUILD_ID'))) {
      throw new Error('packages/web/.next is missing: build the dashboard first with `npm run build -w @ser/web`');
    }
    if (!existsSync(join(web, 'public', 'ort', 'ort-wasm-simd-threaded.wasm'))) {
      throw new Error('packages/web/public/ort/ has no onnxruntime-web wasm: build with `npm run build -w @ser/web` (its prebuild copies it)');
    }
    tmp = mkdtempSync(join(tmpdir(), 'ser-e2e-live-'));
    const wav = await fakeMicrophoneWav(tmp);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const next = createRequire(join(web, 'package.json')).resolve('next/dist/bin/next');
    server = spawn(process.execPath, [next, 'start', '-p', String(port), '-H', '127.0.0.1'], {
      cwd: web,
      env: { ...process.env, SER_WEB_RATE_LIMIT: 'off', NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.on('data', (d: Buffer) => (serverLog += d.toString()));
    server.stderr?.on('data', (d: Buffer) => (serverLog += d.toString()));
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wav}`],
    });
    await waitForHealth(base, server, () => serverLog);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('predicts from the microphone in the browser, shows level and history, and stops on Stop', async () => {
    const card = (await (await fetch(`${base}/api/models/default/card.json`)).json()) as { labels: string[] };
    expect(card.labels.length).toBeGreaterThan(1);

    const context = await browser!.newContext({ viewport: { width: 1200, height: 1000 } });
    const page = await context.newPage();
    const seen = watch(context, page);
    await page.goto(`${base}/live`);
    await expect(page.getByRole('heading', { level: 1, name: 'Live' }).isVisible()).resolves.toBe(true);

    // By keyboard: Start takes Enter, and focus moves on to Stop (Start is disabled while listening).
    await page.getByRole('button', { name: 'Start' }).focus();
    await page.keyboard.press('Enter');
    const meter = page.getByRole('meter', { name: 'Input level' });
    await page.waitForFunction(() => Number(document.querySelector('[role=meter]')?.getAttribute('aria-valuenow')) > 0, null, { timeout: 30_000 });
    await voicedItems(page).nth(1).waitFor({ timeout: 60_000 });

    // Every history cell is a label of the model (or silence); the bars give every label a probability, summing to 1.
    const history = await historyItems(page).evaluateAll((items) => items.map((li) => li.getAttribute('data-label')));
    for (const label of history) expect([...card.labels, 'silence']).toContain(label);
    const current = await page.getByTestId('live-current').textContent();
    expect(card.labels.some((l) => current?.includes(l))).toBe(true);
    const bars = page.getByRole('list', { name: 'Probabilities of the latest prediction' }).locator('li');
    const rows = await bars.evaluateAll((lis) => lis.map((li) => ({ label: li.getAttribute('data-label'), text: li.textContent ?? '' })));
    expect(rows.map((r) => r.label)).toEqual(card.labels);
    const total = rows.reduce((sum, r) => sum + Number(/([\d.]+) %/.exec(r.text)?.[1] ?? Number.NaN), 0);
    expect(total).toBeGreaterThan(99);
    expect(total).toBeLessThan(101);

    mkdirSync(shotsDir, { recursive: true });
    await page.screenshot({ path: join(shotsDir, 'live.png'), fullPage: true, animations: 'disabled' });

    await expect(page.getByRole('button', { name: 'Stop' }).evaluate((b) => b === document.activeElement)).resolves.toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Stopped' }).waitFor();
    await expect(page.getByRole('button', { name: 'Start' }).evaluate((b) => b === document.activeElement)).resolves.toBe(true);
    const afterStop = await historyItems(page).count();
    await page.waitForTimeout(2500);
    expect(await historyItems(page).count()).toBe(afterStop);
    expect(await meter.getAttribute('aria-valuetext')).toBe('no input');

    expect(seen.foreign).toEqual([]);
    expect(seen.errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('says so in an alert when the microphone permission is denied', async () => {
    const context = await browser!.newContext();
    // Chromium's fake UI always grants; a refusal is what getUserMedia then throws.
    await context.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    const page = await context.newPage();
    await page.goto(`${base}/live`);
    await page.getByRole('button', { name: 'Start' }).click();
    // Next's route announcer is an (empty) alert too: look for ours by its text.
    await page.getByRole('alert').filter({ hasText: /microphone permission was denied/i }).waitFor({ timeout: 15_000 });
    await expect(page.getByRole('button', { name: 'Start' }).isEnabled()).resolves.toBe(true);
    await context.close();
  }, 60_000);

  it('says so in an alert when the model cannot be loaded', async () => {
    const context = await browser!.newContext();
    await context.route('**/api/models/default/model.onnx', (route) =>
      route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ error: 'no model here' }) }),
    );
    const page = await context.newPage();
    await page.goto(`${base}/live`);
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('alert').filter({ hasText: /model could not be loaded.*404.*no model here/i }).waitFor({ timeout: 30_000 });
    await context.close();
  }, 60_000);
});
