// The dashboard's server under load: 50 concurrent clients POST a 3 s clip to /api/predict for 30 s (autocannon,
// loopback) against the built `next start`, with the per-client rate limit OFF (one address sends everything; with
// the limit on, most of the load would be 429s). Baselines from the same run: the same model in-process without
// HTTP, one client at a time over HTTP, and GET /api/health under the same 50 clients. Any 5xx fails the bench.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { EmotionModel, encodeWav, loadAudio } from '@ser/core';
import { builtAppDir, startServer, type RunningServer } from '../packages/web/test/helpers/server-process.js';
import { table } from './timing.js';

const root = resolve(import.meta.dirname, '..');
const data = process.env.SER_DATA_DIR ?? resolve(root, '../shared/data');
const CLIP_SECONDS = 3;

/** The part of autocannon's result this bench reads (the package ships no types). */
interface CannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  '4xx': number;
  '5xx': number;
  requests: { total: number };
  latency: { p50: number; p99: number };
}
type Cannon = (opts: Record<string, unknown>) => Promise<CannonResult>;
// The web package's devDependency, resolved from there so the bench needs nothing of its own.
const autocannon = createRequire(join(root, 'packages', 'web', 'package.json'))('autocannon') as Cannon;

/** A 3 s clip: the start of the first EMO-DB recording that long, or synthetic speech when the corpus is absent. */
async function clip(): Promise<{ bytes: Uint8Array; source: string }> {
  const dir = join(data, 'emodb', 'wav');
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.wav')).sort()) {
      const a = await loadAudio(join(dir, f), { sampleRate: 16000 });
      if (a.durationSec >= CLIP_SECONDS) return { bytes: encodeWav(a.samples.subarray(0, CLIP_SECONDS * 16000), 16000), source: `EMO-DB ${f}, first ${CLIP_SECONDS} s` };
    }
  }
  const s = new Float32Array(CLIP_SECONDS * 16000).map((_, i) => 0.2 * Math.sin((2 * Math.PI * 150 * i) / 16000) * (0.5 + 0.5 * Math.sin((2 * Math.PI * 3 * i) / 16000)));
  return { bytes: encodeWav(s, 16000), source: `synthetic ${CLIP_SECONDS} s tone (no EMO-DB under ${data})` };
}

async function inProcess(bytes: Uint8Array, seconds: number): Promise<{ rps: number; p50: number; p99: number }> {
  const model = await EmotionModel.load(join(root, 'models', 'default'));
  try {
    await model.predict(bytes);
    const times: number[] = [];
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      const t0 = performance.now();
      await model.predict(bytes);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    return { rps: times.length / seconds, p50: at(0.5), p99: at(0.99) };
  } finally {
    await model.dispose();
  }
}

function cannon(server: RunningServer, path: string, connections: number, seconds: number, body?: Uint8Array): Promise<CannonResult> {
  return autocannon({
    url: `${server.base}${path}`,
    connections,
    duration: seconds,
    timeout: 60,
    ...(body ? { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: Buffer.from(body) } : {}),
  });
}

export async function run(): Promise<void> {
  try {
    builtAppDir();
  } catch (err) {
    console.log(`skipped: ${(err as Error).message}`);
    return;
  }
  const { bytes, source } = await clip();
  console.log(`clip: ${source} (${bytes.byteLength} bytes WAV); server: next start on loopback, SER_WEB_RATE_LIMIT=off for this bench only`);
  const local = await inProcess(bytes, 5);
  const server = await startServer({ SER_WEB_RATE_LIMIT: 'off' });
  try {
    await cannon(server, '/api/predict', 1, 2, bytes); // warm-up: model load, JIT
    const single = await cannon(server, '/api/predict', 1, 5, bytes);
    const loaded = await cannon(server, '/api/predict', 50, 30, bytes);
    const health = await cannon(server, '/api/health', 50, 5);
    const rps = (r: CannonResult) => r.requests.total / r.duration;
    const row = (name: string, conns: number, r: CannonResult) => [
      name, conns, `${r.duration.toFixed(0)} s`, rps(r).toFixed(1), r.latency.p50.toFixed(0), r.latency.p99.toFixed(0),
      r['2xx'], r['4xx'], r['5xx'], r.non2xx, r.errors + r.timeouts,
    ];
    console.log(
      table(
        ['run', 'clients', 'time', 'req/s', 'p50 ms', 'p99 ms', '2xx', '4xx', '5xx', 'non-2xx', 'errors+timeouts'],
        [
          ['EmotionModel.predict in-process (baseline)', 1, '5 s', local.rps.toFixed(1), local.p50.toFixed(0), local.p99.toFixed(0), '-', '-', '-', '-', '-'],
          row('POST /api/predict, one client', 1, single),
          row('POST /api/predict, 50 clients', 50, loaded),
          row('GET /api/health, 50 clients', 50, health),
        ],
      ),
    );
    console.log(
      `ratios: 50-client predict / in-process = ${(rps(loaded) / local.rps).toFixed(2)}; ` +
        `50-client / one-client predict = ${(rps(loaded) / rps(single)).toFixed(2)}; health / predict = ${(rps(health) / rps(loaded)).toFixed(0)}x`,
    );
    const bad = [single, loaded, health].reduce((n, r) => n + r['5xx'], 0);
    if (bad > 0) throw new Error(`${bad} responses were 5xx under load: the server must queue, not fail`);
    if (loaded.non2xx > 0 || loaded.errors + loaded.timeouts > 0) throw new Error(`the 50-client run had ${loaded.non2xx} non-2xx and ${loaded.errors + loaded.timeouts} errors/timeouts`);
    if (!server.alive()) throw new Error('the server died under load');
  } finally {
    await server.stop();
  }
}
