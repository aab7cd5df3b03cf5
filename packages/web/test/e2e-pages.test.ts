/**
 * The dashboard's pages end to end: the production build (`next start`) in headless Chromium, with real EMO-DB
 * recordings and the default model. Also writes the README's screenshots to /tmp/web-shots (SER_WEB_SHOTS).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmotionModel } from '@ser/core';
import type { AnalyseResult, BatchResult } from '../lib/api-types';

const WEB = resolve(import.meta.dirname, '..');
const REPO = resolve(WEB, '..', '..');
const CHROMIUM = process.env.SER_CHROMIUM ?? '/usr/bin/chromium';
const EMODB = join(process.env.SER_DATA_DIR ?? resolve(REPO, '..', 'shared', 'data'), 'emodb', 'wav');
const SHOTS = process.env.SER_WEB_SHOTS ?? '/tmp/web-shots';
/** A real `ser compare` report (EMO-DB; dt, svm, dnn; LOSO and random split): see test/fixtures/README.md. */
const REPORT_FIXTURE = join(WEB, 'test', 'fixtures', 'eval-report.json');

const hasChromium = existsSync(CHROMIUM);
const hasEmodb = existsSync(join(EMODB, '03a01Wa.wav'));
if (!hasChromium) console.warn(`e2e-pages: skipped, no Chromium at ${CHROMIUM} (apt-get install chromium, or set SER_CHROMIUM)`);
if (hasChromium && !hasEmodb) console.warn(`e2e-pages: EMO-DB tests skipped, no ${EMODB} (set SER_DATA_DIR to the folder holding emodb/)`);

const LOCAL_ORIGIN = /^(https?|wss?):\/\/(127\.0\.0\.1|localhost)(:\d+)?\//;

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/** Starts `next start` on the production build and resolves once /api/health answers. */
async function startServer(port: number, env: Record<string, string>): Promise<{ child: ChildProcess; log: () => string }> {
  if (!existsSync(join(WEB, '.next', 'BUILD_ID'))) {
    throw new Error('packages/web/.next has no production build: run `npm run build -w @ser/web` (or the root `npm test`, which builds first)');
  }
  const nextBin = createRequire(join(WEB, 'package.json')).resolve('next/dist/bin/next');
  const child = spawn(process.execPath, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: WEB,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', SER_WEB_RATE_LIMIT: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (r.ok) return { child, log: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGTERM');
  throw new Error(`next start did not answer /api/health within 60 s:\n${output}`);
}

/** A page that records what should never happen: requests to other origins, console errors, uncaught exceptions. */
interface Watched {
  page: Page;
  outside: string[];
  errors: string[];
}

describe.skipIf(!hasChromium)('dashboard pages in Chromium', () => {
  let server: { child: ChildProcess; log: () => string } | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let base = '';
  let reportDir = '';

  beforeAll(async () => {
    // Holds the report (once a test puts it there) and the broken uploads; removed at the end.
    reportDir = mkdtempSync(join(tmpdir(), 'ser-web-e2e-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // The report starts absent (the page must say how to make one); a test copies the fixture in later.
    server = await startServer(port, { SER_EVAL_REPORT: join(reportDir, 'report.json') });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // A fake microphone (a beep) that needs no permission prompt, and no sound card.
      args: ['--no-sandbox', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required', '--mute-audio'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light', acceptDownloads: true });
    mkdirSync(SHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await new Promise((r) => server!.child.once('exit', r));
    }
    if (reportDir) rmSync(reportDir, { recursive: true, force: true });
  });

  async function open(path: string, { allowFailedRequests = false } = {}): Promise<Watched> {
    const page = await context.newPage();
    const outside: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => {
      const url = r.url();
      if (!LOCAL_ORIGIN.test(url) && !url.startsWith('blob:') && !url.startsWith('data:')) outside.push(url);
    });
    page.on('console', (m) => {
      // Chromium logs every 4xx answer as a console error; a test that provokes one says so.
      if (m.type() === 'error' && !(allowFailedRequests && m.text().startsWith('Failed to load resource'))) errors.push(`${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
    await page.goto(base + path);
    return { page, outside, errors };
  }

  async function finish(w: Watched): Promise<void> {
    expect(w.outside, 'requests that left the machine').toEqual([]);
    expect(w.errors, 'console errors').toEqual([]);
    await w.page.close();
  }

  /** Tabs through the page and returns a short description of each element that took the focus. */
  async function tabStops(page: Page, count: number): Promise<string[]> {
    const stops: string[] = [];
    await page.locator('body').focus();
    for (let i = 0; i < count; i++) {
      await page.keyboard.press('Tab');
      stops.push(
        await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          if (!el) return '';
          const type = el instanceof HTMLInputElement ? `[type=${el.type}]` : '';
          return `${el.tagName.toLowerCase()}${type} ${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}`;
        }),
      );
    }
    return stops;
  }

  /** Pixels of a canvas that are not transparent, and how many distinct colours it uses. */
  async function canvasInk(page: Page, testId: string): Promise<{ inked: number; colours: number }> {
    return page.getByTestId(testId).evaluate((el) => {
      const canvas = el as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let inked = 0;
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! > 0) inked++;
        colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      }
      return { inked, colours: colours.size };
    });
  }

  async function analyse(page: Page, file: string): Promise<AnalyseResult> {
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/analyse'));
    await page.locator('input[type=file]').setInputFiles(file);
    const response = await answer;
    expect(response.status(), await response.text()).toBe(200);
    await page.getByTestId('predicted-label').waitFor();
    return (await response.json()) as AnalyseResult;
  }

  it.skipIf(!hasEmodb)('Analyse: an EMO-DB file shows the model’s label, waveform, spectrogram, every bar and a timeline', { timeout: 120_000 }, async () => {
    const file = join(EMODB, '03a01Wa.wav');
    const model = await EmotionModel.load(join(REPO, 'models', 'default'));
    const expected = await model.predict(file);
    await model.dispose();

    const w = await open('/');
    const { page } = w;
    const result = await analyse(page, file);
    expect(await page.getByTestId('predicted-label').textContent()).toBe(expected.label);
    expect(result.label).toBe(expected.label);

    const wave = await canvasInk(page, 'waveform-canvas');
    expect(wave.inked).toBeGreaterThan(500);
    const spec = await canvasInk(page, 'spectrogram-canvas');
    expect(spec.inked).toBe(result.spectrogram.bands * result.spectrogram.frames);
    expect(spec.colours).toBeGreaterThan(20);

    const bars = page.getByRole('list', { name: 'Emotion probabilities' }).getByRole('listitem');
    expect(await bars.count()).toBe(result.labels.length);
    const barTexts = await bars.allTextContents();
    result.labels.forEach((label, i) => expect(barTexts[i]).toMatch(new RegExp(`^${label}.*\\d+%$`)));
    const meters = page.getByRole('meter');
    expect(await meters.count()).toBe(result.labels.length);

    const segments = page.getByTestId('emotion-timeline').getByRole('button');
    expect(await segments.count()).toBe(result.segments.length);
    expect(result.segments.length).toBeGreaterThan(0);

    await page.screenshot({ path: join(SHOTS, 'analyse.png') });
    // Dark theme, through the toggle in the header.
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(SHOTS, 'analyse-dark.png') });
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await finish(w);
  });

  it.skipIf(!hasEmodb)('Analyse: a timeline segment plays from its own start, by click and by Enter', { timeout: 120_000 }, async () => {
    // The longest EMO-DB recording (~9 s) has several overlapping 3 s windows.
    const longest = readdirSync(EMODB)
      .filter((f) => f.endsWith('.wav'))
      .map((f) => ({ f, size: statSync(join(EMODB, f)).size }))
      .sort((a, b) => b.size - a.size)[0]!.f;
    const w = await open('/');
    const { page } = w;
    const result = await analyse(page, join(EMODB, longest));
    expect(result.segments.length).toBeGreaterThan(2);
    const segments = page.getByTestId('emotion-timeline').getByRole('button');
    const audio = page.locator('audio');
    const state = () => audio.evaluate((a: HTMLAudioElement) => ({ time: a.currentTime, paused: a.paused }));

    const second = result.segments[1]!;
    await segments.nth(1).click();
    const clicked = await state();
    expect(clicked.paused).toBe(false);
    expect(clicked.time).toBeGreaterThanOrEqual(second.start - 0.01);
    expect(clicked.time).toBeLessThan(second.end);
    expect(await segments.nth(1).getAttribute('aria-pressed')).toBe('true');

    const third = result.segments[2]!;
    await segments.nth(2).focus();
    await page.keyboard.press('Enter');
    const entered = await state();
    expect(entered.paused).toBe(false);
    expect(entered.time).toBeGreaterThanOrEqual(third.start - 0.01);
    expect(entered.time).toBeLessThan(third.end);
    // The playhead follows the audio.
    await page.waitForTimeout(300);
    const left = await page.getByTestId('playhead').evaluate((el) => parseFloat((el as HTMLElement).style.left));
    expect(left).toBeGreaterThan((third.start / result.duration) * 100 - 1);
    await audio.evaluate((a: HTMLAudioElement) => a.pause());
    await finish(w);
  });

  it('Analyse: an API error is shown in an alert, and the keyboard reaches the file input and the record button', { timeout: 60_000 }, async () => {
    const w = await open('/', { allowFailedRequests: true });
    const { page } = w;
    const stops = await tabStops(page, 12);
    expect(stops.some((s) => s.startsWith('input[type=file]'))).toBe(true);
    expect(stops.some((s) => s.startsWith('button') && s.includes('Record from microphone'))).toBe(true);

    const bogus = join(reportDir, 'not-audio.wav');
    writeFileSync(bogus, 'this is text, not a RIFF file');
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/analyse'));
    await page.locator('input[type=file]').setInputFiles(bogus);
    const response = await answer;
    expect(response.status()).toBeGreaterThanOrEqual(400);
    const { error } = (await response.json()) as { error: string };
    // Next's route announcer is an (empty) alert too; the page's own is inside <main>.
    const alert = page.locator('main').getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('not-audio.wav could not be analysed.');
    expect(await alert.textContent()).toContain(error);
    await finish(w);
  });

  it('Analyse: a recording from the (fake) microphone is analysed', { timeout: 90_000 }, async () => {
    const w = await open('/');
    const { page } = w;
    await page.getByRole('button', { name: /Record from microphone/ }).click();
    await page.getByRole('button', { name: /Stop and analyse/ }).waitFor();
    await page.waitForTimeout(1500);
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/analyse'));
    await page.getByRole('button', { name: /Stop and analyse/ }).click();
    expect((await answer).status()).toBe(200);
    await page.getByTestId('predicted-label').waitFor();
    expect(await page.locator('#result-heading').textContent()).toMatch(/^recording-.*\.wav$/);
    await finish(w);
  });

  it.skipIf(!hasEmodb)('Batch: three files give three rows, sortable by confidence, and a CSV with a header and three rows', { timeout: 120_000 }, async () => {
    const files = ['03a01Wa.wav', '03a01Nc.wav', '03a01Fa.wav'].map((f) => join(EMODB, f));
    const w = await open('/batch');
    const { page } = w;
    const stops = await tabStops(page, 10);
    expect(stops.some((s) => s.startsWith('input[type=file]'))).toBe(true);

    await page.locator('input[type=file]').setInputFiles(files);
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/batch'));
    await page.getByRole('button', { name: 'Analyse 3 files' }).click();
    const batch = (await (await answer).json()) as BatchResult;
    const table = page.getByTestId('batch-table');
    await table.waitFor();
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(3);
    const fileColumn = () => table.locator('tbody th').allTextContents();
    expect(await fileColumn()).toEqual(['03a01Wa.wav', '03a01Nc.wav', '03a01Fa.wav']);

    const confidence = (f: string) => {
      const r = batch.results.find((x) => x.file === f);
      return r && 'scores' in r ? (r.scores[r.label] ?? 0) : -1;
    };
    const byConfidence = [...batch.results].map((r) => r.file).sort((a, b) => confidence(b) - confidence(a));
    const header = table.locator('th', { has: page.getByRole('button', { name: /^Confidence/ }) });
    expect(await header.getAttribute('aria-sort')).toBeNull();
    await page.getByRole('button', { name: /^Confidence/ }).click();
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    expect(await fileColumn()).toEqual(byConfidence);
    // The same header, from the keyboard: Enter flips the order.
    await page.getByRole('button', { name: /^Confidence/ }).focus();
    await page.keyboard.press('Enter');
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    expect(await fileColumn()).toEqual([...byConfidence].reverse());
    await page.screenshot({ path: join(SHOTS, 'batch.png') });

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download CSV' }).click();
    const csv = readFileSync((await (await download).path())!, 'utf8');
    const lines = csv.split('\r\n').filter((l) => l !== '');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(['file', 'label', 'confidence', ...batch.labels, 'error'].join(','));
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([...byConfidence].reverse());
    await finish(w);
  });

  it.skipIf(!hasEmodb)('Batch: a file that cannot be read gets an error row beside the others', { timeout: 60_000 }, async () => {
    const bogus = join(reportDir, 'broken.wav');
    writeFileSync(bogus, 'RIFF but not really');
    const w = await open('/batch');
    const { page } = w;
    await page.locator('input[type=file]').setInputFiles([join(EMODB, '03a01Wa.wav'), bogus]);
    await page.getByRole('button', { name: 'Analyse 2 files' }).click();
    const table = page.getByTestId('batch-table');
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(2);
    const errorRow = table.locator('tbody tr', { hasText: 'broken.wav' });
    expect(await errorRow.textContent()).toMatch(/Error:/);
    expect(await page.getByRole('status').textContent()).toContain('1 of 2 files analysed, 1 failed');
    await finish(w);
  });

  it('Models: the list, the default model’s card and figures; the report appears once it exists', { timeout: 120_000 }, async () => {
    const card = JSON.parse(readFileSync(join(REPO, 'models', 'default', 'card.json'), 'utf8')) as { labels: string[] };
    const list = await open('/models');
    expect(await list.page.getByRole('link', { name: 'default', exact: true }).count()).toBe(1);
    expect(await list.page.getByTestId('report-missing').textContent()).toContain('npm run eval');
    await finish(list);

    const w = await open('/models/default');
    const { page } = w;
    const chips = page.getByRole('list', { name: 'Labels' }).first().getByRole('listitem');
    expect(await chips.allTextContents()).toEqual(card.labels);
    expect(await page.getByTestId('uar-figures').textContent()).toMatch(/UAR on \w+\d+\.\d%/);
    await page.locator('svg.recharts-surface').first().waitFor();
    expect(await page.locator('svg.recharts-surface').count()).toBeGreaterThan(0);
    await finish(w);

    // `npm run eval` has now run: the same server reads the report on the next request.
    copyFileSync(REPORT_FIXTURE, join(reportDir, 'report.json'));
    const after = await open('/models/default');
    const matrix = after.page.getByTestId('confusion-matrix').first();
    await matrix.waitFor();
    expect(await matrix.locator('tbody tr').count()).toBeGreaterThan(1);
    expect(await after.page.getByRole('region', { name: /emodb/ }).first().isVisible()).toBe(true);
    await after.page.locator('svg.recharts-surface').nth(2).waitFor();
    // The comparison labels the random split as speaker-dependent.
    expect(await after.page.locator('svg.recharts-surface').last().textContent()).toContain('speaker-dependent');
    await after.page.screenshot({ path: join(SHOTS, 'model.png') });
    await after.page.screenshot({ path: join(SHOTS, 'model-full.png'), fullPage: true });
    await finish(after);

    const listAgain = await open('/models');
    await listAgain.page.locator('svg.recharts-surface').first().waitFor();
    await listAgain.page.screenshot({ path: join(SHOTS, 'models.png') });
    await finish(listAgain);
  });

  it('Every page: nothing leaves the machine, no console error, the theme toggle switches data-theme', { timeout: 90_000 }, async () => {
    for (const path of ['/', '/batch', '/models', '/models/default']) {
      const w = await open(path);
      await w.page.waitForLoadState('networkidle');
      const toggle = w.page.locator('.theme-toggle');
      const before = await w.page.evaluate(() => document.documentElement.dataset.theme ?? 'system');
      await toggle.click();
      const after = await w.page.evaluate(() => document.documentElement.dataset.theme);
      expect(after, path).toBe(before === 'dark' ? 'light' : 'dark');
      await toggle.click();
      if (path === '/batch') await w.page.screenshot({ path: join(SHOTS, 'batch-empty.png') });
      await finish(w);
    }
    const missing = await open('/models/no-such-model', { allowFailedRequests: true });
    expect(await missing.page.getByRole('heading', { level: 1 }).textContent()).toMatch(/404|not be found/i);
    await finish(missing);
  });
});
