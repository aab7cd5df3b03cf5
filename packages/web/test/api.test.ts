/**
 * The dashboard's API against the built server (`next start`): predictions equal @ser/core's, and hostile uploads
 * get a 4xx that says what is wrong while the server stays up. The server gets its own copy of the default model
 * (training may rewrite models/default meanwhile) and a small evaluation report.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EmotionModel, encodeWav, loadAudio } from '@ser/core';
import { strToU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyseResult, ApiError, BatchResult, ModelDetail, ModelSummary, PredictResult } from '../lib/api-types';
import { PNG, flac, forgeDeclaredSize, multipart, pcm16, syntheticSpeech, wav, zerosZip, zip } from './helpers/server-fixtures';
import { REPO_ROOT, request, startServer, streamUntilAnswered, type Reply, type RunningServer } from './helpers/server-process';

const DATA = process.env.SER_DATA_DIR ?? resolve(REPO_ROOT, '..', 'shared', 'data');
const EMODB = join(DATA, 'emodb', 'wav');
const CLIPS = ['03a01Wa.wav', '03a01Fa.wav', '03a01Nc.wav'].map((f) => join(EMODB, f));
const haveData = CLIPS.every(existsSync);
if (!haveData) console.warn(`EMO-DB clips not found under ${EMODB} (set SER_DATA_DIR): the tests on real recordings are skipped`);

const MB = 1024 * 1024;
let work: string;
let server: RunningServer;
let model: EmotionModel;
/** A clip every test can use: EMO-DB's 03a01Wa.wav, or 2 s of synthetic speech without the corpus. */
let clip: { name: string; bytes: Uint8Array };

function closeTo(actual: Record<string, number>, expected: Record<string, number>, tol = 1e-6): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [k, v] of Object.entries(expected)) expect(Math.abs(actual[k]! - v), k).toBeLessThanOrEqual(tol);
}

function expectError(r: Reply, status: number, pattern: RegExp): void {
  expect(r.status, r.body.toString().slice(0, 300)).toBe(status);
  const error = (r.json as ApiError | undefined)?.error;
  expect(typeof error).toBe('string');
  expect(error).toMatch(pattern);
  expect(error).not.toMatch(/\n\s+at |node_modules|\/work\/|\.ts:\d/); // no stack traces, no server paths
}

const post = (path: string, body: Uint8Array | string, contentType = 'application/octet-stream') => request(server, 'POST', path, { body, headers: { 'content-type': contentType } });

const postForm = (path: string, parts: Parameters<typeof multipart>[0]) => {
  const form = multipart(parts);
  return post(path, form.body, form.contentType);
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ser-web-api-'));
  const models = join(work, 'models');
  mkdirSync(join(models, 'default'), { recursive: true });
  for (const f of ['card.json', 'model.onnx']) copyFileSync(join(REPO_ROOT, 'models', 'default', f), join(models, 'default', f));
  // The default network with a per-speaker card: it classifies one speaker's recordings together, never one upload.
  mkdirSync(join(models, 'per-speaker'));
  copyFileSync(join(REPO_ROOT, 'models', 'default', 'model.onnx'), join(models, 'per-speaker', 'model.onnx'));
  const perSpeakerCard = { ...JSON.parse(readFileSync(join(REPO_ROOT, 'models', 'default', 'card.json'), 'utf8')), name: 'per-speaker', speakerStandardisation: { minRecordings: 10 } };
  writeFileSync(join(models, 'per-speaker', 'card.json'), JSON.stringify(perSpeakerCard));
  mkdirSync(join(models, 'broken'));
  writeFileSync(join(models, 'broken', 'card.json'), '{"format": "not a card"');
  writeFileSync(join(models, 'broken', 'model.onnx'), 'not onnx');
  model = await EmotionModel.load(join(models, 'default'));
  const report = {
    created: '2026-11-30T00:00:00.000Z',
    results: [
      { corpus: 'emodb', model: model.card.architecture, protocol: 'loso', uar: 0.7, accuracy: 0.72 },
      { corpus: 'emodb', model: 'svm-not-this-one', protocol: 'loso', uar: 0.6, accuracy: 0.61 },
    ],
  };
  writeFileSync(join(work, 'report.json'), JSON.stringify(report));
  clip = haveData
    ? { name: '03a01Wa.wav', bytes: new Uint8Array(await import('node:fs/promises').then((fs) => fs.readFile(CLIPS[0]!))) }
    : { name: 'synthetic.wav', bytes: encodeWav(syntheticSpeech(2), 16000) };
  server = await startServer({
    SER_MODELS_ROOT: models,
    SER_EVAL_REPORT: join(work, 'report.json'),
    // This suite sends many requests from one address; the rate-limit suite below runs its own server.
    SER_WEB_RATE_LIMIT: '1000',
    SER_WEB_RATE_BURST: '1000',
  });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await model?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('POST /api/predict', () => {
  it('answers what EmotionModel.predict says, for a raw body and a multipart upload', async () => {
    const expected = await model.predict(clip.bytes);
    const raw = await post(`/api/predict?name=${encodeURIComponent(clip.name)}`, clip.bytes, 'audio/wav');
    expect(raw.status, raw.body.toString()).toBe(200);
    const r = raw.json as PredictResult;
    expect(r.file).toBe(clip.name);
    expect(r.label).toBe(expected.label);
    closeTo(r.scores, expected.scores);
    expect(r.segments).toBeUndefined();

    const mp = await postForm('/api/predict', [{ name: 'file', filename: `C:\\fakepath\\${clip.name}`, type: 'audio/wav', data: clip.bytes }]);
    expect(mp.status, mp.body.toString()).toBe(200);
    const m = mp.json as PredictResult;
    expect(m.file).toBe(clip.name); // the folder part of a browser's file name is dropped
    expect(m.label).toBe(expected.label);
    closeTo(m.scores, expected.scores);
  });

  it.skipIf(!haveData)('matches `ser predict` on the EMO-DB file read from disk, and names a raw upload "upload"', async () => {
    const expected = await model.predict(CLIPS[0]!);
    const r = await post('/api/predict', clip.bytes);
    expect(r.status).toBe(200);
    expect((r.json as PredictResult).file).toBe('upload');
    expect((r.json as PredictResult).label).toBe(expected.label);
    closeTo((r.json as PredictResult).scores, expected.scores);
  });

  it('reads FLAC by its content, whatever the name, to the same prediction as the WAV', async () => {
    const audio = await loadAudio(clip.bytes);
    const ints = pcm16(audio.samples);
    const asWav = wav({ data: new Uint8Array(ints.buffer), sampleRate: audio.sampleRate });
    const asFlac = flac({ sampleRate: audio.sampleRate, channels: 1, blockSize: 4096, samples: ints });
    const expected = await model.predict(asWav);
    const r = await post('/api/predict?name=clip.wav', asFlac, 'audio/wav');
    expect(r.status, r.body.toString()).toBe(200);
    expect((r.json as PredictResult).label).toBe(expected.label);
    closeTo((r.json as PredictResult).scores, expected.scores);
  });

  it('adds the duration and 3 s segments every 1 s with ?segments=1, as predictSegments does', async () => {
    const parts = haveData ? await Promise.all(CLIPS.map((c) => loadAudio(c, { sampleRate: 16000 }))) : [{ samples: syntheticSpeech(6) }];
    const joined = new Float32Array(parts.reduce((a, p) => a + p.samples.length, 0));
    let at = 0;
    for (const p of parts) {
      joined.set(p.samples, at);
      at += p.samples.length;
    }
    const bytes = encodeWav(joined, 16000);
    const expected = await model.predictSegments(bytes);
    const r = await post('/api/predict?segments=1&name=joined.wav', bytes);
    expect(r.status, r.body.toString()).toBe(200);
    const p = r.json as PredictResult;
    expect(p.duration).toBeCloseTo(expected.duration, 6);
    expect(p.label).toBe(expected.overall.label);
    closeTo(p.scores, expected.overall.scores);
    expect(p.segments).toHaveLength(expected.segments.length);
    expect(p.segments!.length).toBeGreaterThan(2);
    p.segments!.forEach((s, i) => {
      const e = expected.segments[i]!;
      expect([s.start, s.end, s.label]).toEqual([e.start, e.end, e.label]);
      closeTo(s.scores, e.scores);
      expect(s.end - s.start).toBeCloseTo(Math.min(3, p.duration!), 6);
    });
  });

  it('picks a model folder with ?model=', async () => {
    const r = await post('/api/predict?model=default', clip.bytes);
    expect(r.status).toBe(200);
  });

  it('a per-speaker model is a 422 that says it takes one speaker\'s recordings together', async () => {
    expectError(await post('/api/predict?model=per-speaker', clip.bytes), 422, /standardises features per speaker .*ser predict --speaker/);
    expectError(await post('/api/analyse?model=per-speaker', clip.bytes), 422, /pick a model without per-speaker standardisation/);
  });
});

describe('POST /api/analyse', () => {
  it('returns the prediction, segments, labels, a waveform envelope and a byte spectrogram', async () => {
    const expected = await model.predictSegments(clip.bytes);
    const r = await postForm('/api/analyse', [{ name: 'file', filename: clip.name, data: clip.bytes }]);
    expect(r.status, r.body.toString()).toBe(200);
    const a = r.json as AnalyseResult;
    expect(a.file).toBe(clip.name);
    expect(a.model).toBe('default');
    expect(a.labels).toEqual(model.labels);
    expect(a.label).toBe(expected.overall.label);
    closeTo(a.scores, expected.overall.scores);
    expect(a.duration).toBeCloseTo(expected.duration, 6);
    expect(a.segments).toHaveLength(expected.segments.length);

    expect(a.waveform.columns).toBeGreaterThan(100);
    expect(a.waveform.columns).toBeLessThanOrEqual(1200);
    expect(a.waveform.min).toHaveLength(a.waveform.columns);
    expect(a.waveform.max).toHaveLength(a.waveform.columns);
    a.waveform.min.forEach((lo, i) => {
      expect(lo).toBeGreaterThanOrEqual(-1);
      expect(lo).toBeLessThanOrEqual(a.waveform.max[i]!);
      expect(a.waveform.max[i]).toBeLessThanOrEqual(1);
    });

    const s = a.spectrogram;
    expect(s.bands).toBe(128);
    expect(s.frames).toBeGreaterThan(10);
    expect(s.frames).toBeLessThanOrEqual(1500);
    expect(s.hopSeconds).toBeCloseTo(0.01, 6); // 10 ms hop at 16 kHz, nothing pooled for a short clip
    expect(s.frames * s.hopSeconds).toBeCloseTo(a.duration, 1);
    expect(s.maxDb - s.minDb).toBeCloseTo(80, 6);
    const bytes = Buffer.from(s.data, 'base64');
    expect(bytes.length).toBe(s.bands * s.frames);
    expect(Math.max(...bytes)).toBe(255);
  });

  it('pools a long recording down to at most 1500 spectrogram frames', async () => {
    // 25 s is 2501 frames of 10 ms: pooled by 2 to 1251.
    const r = await post('/api/analyse?name=long.wav', encodeWav(syntheticSpeech(25), 16000));
    expect(r.status, r.body.toString()).toBe(200);
    const s = (r.json as AnalyseResult).spectrogram;
    expect(s.frames).toBe(1251);
    expect(s.hopSeconds).toBeCloseTo(0.02, 6);
    expect(Buffer.from(s.data, 'base64').length).toBe(128 * s.frames);
  });
});

describe('POST /api/batch', () => {
  const files = async () =>
    haveData
      ? await Promise.all(CLIPS.map(async (c) => ({ name: c.split('/').pop()!, bytes: new Uint8Array(await import('node:fs/promises').then((fs) => fs.readFile(c))) })))
      : [1, 2, 3].map((k) => ({ name: `synthetic-${k}.wav`, bytes: encodeWav(syntheticSpeech(1 + k / 2), 16000) }));

  it('classifies several multipart files, in order, as predict does', async () => {
    const fs = await files();
    const r = await postForm('/api/batch', fs.map((f) => ({ name: 'file', filename: f.name, type: 'audio/wav', data: f.bytes })));
    expect(r.status, r.body.toString()).toBe(200);
    const b = r.json as BatchResult;
    expect(b.labels).toEqual(model.labels);
    expect(b.results.map((x) => x.file)).toEqual(fs.map((f) => f.name));
    for (const [i, f] of fs.entries()) {
      const expected = await model.predict(f.bytes);
      const got = b.results[i] as PredictResult;
      expect(got.label).toBe(expected.label);
      closeTo(got.scores, expected.scores);
    }
  });

  it('opens a zip (raw or multipart); a member that is not audio is an entry with an error', async () => {
    const fs = await files();
    const z = zip({ 'clips/': {}, ...Object.fromEntries(fs.map((f) => [`clips/${f.name}`, f.bytes])), 'clips/notes.txt': strToU8('recorded on a Tuesday') });
    for (const r of [await post('/api/batch', z, 'application/zip'), await postForm('/api/batch', [{ name: 'file', filename: 'clips.zip', data: z }])]) {
      expect(r.status, r.body.toString()).toBe(200);
      const b = r.json as BatchResult;
      expect(b.results.map((x) => x.file)).toEqual([...fs.map((f) => `clips/${f.name}`), 'clips/notes.txt']);
      expect(b.results.slice(0, 3).every((x) => 'label' in x)).toBe(true);
      expect((b.results[3] as { error: string }).error).toMatch(/not an audio file we read/);
    }
  });
});

describe('GET /api/models', () => {
  it('lists the model folders with their cards and sizes, leaving out broken ones', async () => {
    const r = await request(server, 'GET', '/api/models');
    expect(r.status).toBe(200);
    const list = r.json as ModelSummary[];
    expect(list.map((m) => m.name)).toEqual(['default', 'per-speaker']);
    expect(list[0]!.card.labels).toEqual(model.labels);
    expect(list[0]!.bytes).toBeGreaterThan(1000);
  });

  it('describes one model with the report entries of its architecture', async () => {
    const r = await request(server, 'GET', '/api/models/default');
    expect(r.status).toBe(200);
    const d = r.json as ModelDetail;
    expect(d.card.architecture).toBe(model.card.architecture);
    expect(d.report?.results.map((x) => x.model)).toEqual([model.card.architecture]);
    expect(d.report?.comparedModels).toContain('svm-not-this-one');
  });

  it('serves model.onnx and card.json for in-browser inference, with an ETag', async () => {
    const onnx = await request(server, 'GET', '/api/models/default/model.onnx');
    expect(onnx.status).toBe(200);
    expect(onnx.headers['content-type']).toBe('application/octet-stream');
    expect(onnx.body.length).toBe((await request(server, 'GET', '/api/models/default').then((r) => r.json as ModelDetail)).bytes);
    const again = await request(server, 'GET', '/api/models/default/model.onnx', { headers: { 'if-none-match': String(onnx.headers.etag) } });
    expect(again.status).toBe(304);
    const card = await request(server, 'GET', '/api/models/default/card.json');
    expect(card.status).toBe(200);
    expect(card.headers['content-type']).toMatch(/^application\/json/);
    expect((card.json as { labels: string[] }).labels).toEqual(model.labels);
  });

  it('answers 404 for an unknown model, 400 for a name that is not one, 500 without details for a broken one', async () => {
    expectError(await request(server, 'GET', '/api/models/nope'), 404, /no model named "nope"/);
    expectError(await request(server, 'GET', '/api/models/..%2F..%2Fetc'), 400, /not valid/);
    expectError(await post('/api/predict?model=broken', clip.bytes), 500, /cannot be loaded/);
  });
});

describe('hostile uploads: each gets a 4xx with a clear message, and the server stays up', () => {
  const silence = (seconds: number, rate: number) => wav({ sampleRate: rate, bitsPerSample: 8, data: new Uint8Array(Math.round(seconds * rate)).fill(128) });
  const floats = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);

  const cases: [string, () => Promise<Reply>, number, RegExp][] = [
    ['empty body', () => post('/api/predict', ''), 400, /no body/],
    ['one byte', () => post('/api/predict', 'R'), 415, /not an audio file we read: WAV, AIFF, FLAC, MP3, Ogg Vorbis\/Opus/],
    ['a Content-Length of 1 GB', () => request(server, 'POST', '/api/predict', { headers: { 'content-type': 'audio/wav', 'content-length': String(1024 * MB) } }), 413, /larger than 25 MB/],
    ['a truncated WAV header', () => post('/api/predict', clip.bytes.subarray(0, 30)), 422, /truncated/],
    ['a WAV claiming 4 GB of data and holding none', () => post('/api/predict', wav({ data: new Uint8Array(0), declaredDataBytes: 0xfffffff0 })), 422, /no audio frames/],
    ['a PNG', () => post('/api/predict', PNG, 'image/png'), 415, /Content-Type "image\/png" is not accepted/],
    ['a PNG sent as audio', () => post('/api/predict', PNG, 'audio/wav'), 415, /not an audio file we read/],
    ['a zip sent to /api/predict', () => post('/api/predict', zip({ 'a.wav': clip.bytes }), 'application/zip'), 415, /zip archive is not an audio file.*\/api\/batch/],
    ['a WAV sent as text/plain', () => post('/api/predict', clip.bytes, 'text/plain'), 415, /Content-Type "text\/plain" is not accepted/],
    ['malformed multipart', () => post('/api/predict', '--x\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\nRIFF', 'multipart/form-data; boundary=x'), 400, /malformed multipart/],
    ['multipart without a boundary', () => post('/api/predict', clip.bytes, 'multipart/form-data'), 400, /without a boundary/],
    ['multipart without a "file" field', () => postForm('/api/predict', [{ name: 'audio', filename: 'a.wav', data: clip.bytes }]), 400, /no file in a field named "file".*"audio"/],
    ['a float WAV full of NaN', () => post('/api/predict', wav({ format: 3, bitsPerSample: 32, data: floats(Array(1600).fill(NaN)) })), 422, /NaN|not finite|non-finite/i],
    ['a WAV at 0 Hz', () => post('/api/predict', wav({ sampleRate: 0, data: new Uint8Array(3200) })), 422, /sample rate of 0 Hz/],
    ['a WAV at 4 GHz', () => post('/api/predict', wav({ sampleRate: 4_000_000_000, data: new Uint8Array(3200) })), 422, /sample rate of 4000000000 Hz/],
    ['a WAV of 100 channels', () => post('/api/predict', wav({ channels: 100, data: new Uint8Array(100 * 2 * 1600) })), 422, /100 channels; at most 8/],
    ['11 minutes of valid silence (over the 10 min limit)', () => post('/api/predict', silence(660, 8000)), 413, /660 s of audio is over the limit of 600 s/],
    ['a FLAC bomb: 11 hours of silence in 70 KB', () => post('/api/predict', flac({ sampleRate: 8000, channels: 1, blockSize: 65535, silentFrames: 5000 })), 413, /over the limit of 600 s/],
    ['a model name with ../', () => post('/api/predict?model=../../etc', clip.bytes), 400, /not valid/],
    ['an unknown model', () => post('/api/predict?model=nope', clip.bytes), 404, /no model named "nope"/],
    ['GET on /api/predict', () => request(server, 'GET', '/api/predict'), 405, /method not allowed: POST an audio file/],
    ['a zip declaring 4 GB to /api/batch', () => post('/api/batch', forgeDeclaredSize(zip({ 'a.wav': clip.bytes }), 0xfffffff0), 'application/zip'), 413, /inflates to 4096\.0 MB, over the limit of 100\.0 MB/],
    ['a zip bomb: 40 MB of zeros declared as 1 KB', () => post('/api/batch', forgeDeclaredSize(zerosZip('a.wav', 40 * MB), 1024), 'application/zip'), 422, /forged.*inflates to more than the 1024 bytes/],
    ['a zip of 10 000 members', () => post('/api/batch', zip(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`f${i}.wav`, new Uint8Array(1)]))), 'application/zip'), 413, /10000 members; at most 200/],
    ['a truncated zip', () => post('/api/batch', zip({ 'a.wav': clip.bytes }).subarray(0, 200), 'application/zip'), 422, /zip is corrupt/],
    ['a batch form without files', () => postForm('/api/batch', [{ name: 'note', data: 'hello' }]), 400, /no files/],
  ];

  it.each(cases)('%s', async (_what, send, status, message) => {
    expectError(await send(), status, message);
  });

  it('a 300 MB streamed upload is refused at the 25 MB cap, not read to its end', async () => {
    const { reply, sent } = await streamUntilAnswered(server, '/api/predict', 300 * MB, { 'content-type': 'application/octet-stream' });
    expectError(reply, 413, /larger than 25 MB/);
    expect(sent).toBeLessThan(200 * MB);
  });

  it('after all of them, the server is healthy and still predicts', async () => {
    expect(server.alive()).toBe(true);
    expect((await request(server, 'GET', '/api/health')).status).toBe(200);
    const expected = await model.predict(clip.bytes);
    const r = await post('/api/predict', clip.bytes);
    expect(r.status).toBe(200);
    expect((r.json as PredictResult).label).toBe(expected.label);
    expect(server.output()).not.toMatch(/unexpected error/);
  });
});

describe('rate limit and timeout', () => {
  let limited: RunningServer;
  beforeAll(async () => {
    // Also a timeout far too short for any inference, to see the 504 path.
    limited = await startServer({ SER_MODELS_ROOT: join(work, 'models'), SER_WEB_RATE_LIMIT: '1', SER_WEB_RATE_BURST: '10', SER_WEB_TIMEOUT_MS: '1' });
  }, 120_000);
  afterAll(() => limited?.stop());

  it('answers 429 with Retry-After past the burst, per socket address, whatever X-Forwarded-For says', async () => {
    const from = (localAddress: string, i: number) =>
      request(limited, 'GET', '/api/models', { localAddress, headers: { 'x-forwarded-for': `10.9.8.${i}`, 'x-ser-client-address': `10.7.7.${i}` } });
    const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => from('127.0.0.2', i)));
    const statuses = replies.map((r) => r.status);
    // A burst of 10, then one a second: however slowly the 40 arrive, most are refused.
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(10);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    const refused = replies.find((r) => r.status === 429)!;
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((refused.json as ApiError).error).toMatch(/too many requests/);
    // Another client has its own bucket; the health check has none.
    expect((await from('127.0.0.3', 0)).status).toBe(200);
    expect((await request(limited, 'GET', '/api/health', { localAddress: '127.0.0.2' })).status).toBe(200);
    expect(limited.alive()).toBe(true);
    expect(limited.output()).not.toMatch(/carry no socket address/); // instrumentation.ts stamped every request
  });

  it('answers 504 when an inference outlives the timeout, and keeps serving', async () => {
    const r = await request(limited, 'POST', '/api/analyse', { localAddress: '127.0.0.4', body: encodeWav(syntheticSpeech(30), 16000), headers: { 'content-type': 'audio/wav' } });
    expectError(r, 504, /took longer than 1 ms; send a shorter recording/);
    expect((await request(limited, 'GET', '/api/health')).status).toBe(200);
    expect(limited.alive()).toBe(true);
  });
});
