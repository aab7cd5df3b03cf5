/**
 * `ser record` fed by $SER_RECORD_COMMAND (sox replaying a clip stands in for a microphone), `ser export` of a tfjs
 * model saved to disk, and `ser info` on a model folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmotionModel, FeatureExtractor, loadAudio } from '@ser/core';
import { initTf, tf } from '@ser/training';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/program.js';
import { LABELS, classicModel, speechLikeWav, writeClips, type TestModel } from './helpers/models.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out: () => out.join(''), err: () => err.join('') };
}

const work = mkdtempSync(join(tmpdir(), 'ser-rei-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const clips = writeClips(join(work, 'clips'));
const talk = join(work, 'talk.wav');
writeFileSync(talk, speechLikeWav(4.5, 3));
const hasSox = spawnSync('sh', ['-c', 'command -v sox'], { stdio: 'ignore' }).status === 0;

let model: TestModel;
beforeAll(async () => {
  model = await classicModel(join(work, 'model'), clips, new FeatureExtractor());
}, 120_000);

describe('ser record', () => {
  const saved = process.env.SER_RECORD_COMMAND;
  afterEach(() => {
    if (saved === undefined) delete process.env.SER_RECORD_COMMAND;
    else process.env.SER_RECORD_COMMAND = saved;
  });

  it.skipIf(!hasSox)('predicts every second on the last 3 s of the stream, and saves what it heard', async () => {
    process.env.SER_RECORD_COMMAND = `sox ${JSON.stringify(talk)} -t raw -r 16000 -e signed -b 16 -c 1 -`;
    const out = join(work, 'heard.wav');
    const c = capture();
    expect(await run(['record', '--json', '--model', model.dir, '--out', out], c.io)).toBe(0);
    const lines = c.out().trimEnd().split('\n').map((l) => JSON.parse(l) as { time: number; label: string; scores: Record<string, number> });
    expect(lines.map((l) => l.time)).toEqual([1, 2, 3, 4, 4.5]);
    const audio = (await loadAudio(talk, { sampleRate: 16000 })).samples;
    const em = await EmotionModel.load(model.dir);
    for (const l of lines) {
      const end = Math.round(l.time * 16000);
      const expected = await em.predict({ samples: audio.subarray(Math.max(0, end - 48000), end), sampleRate: 16000 });
      expect(l.label).toBe(expected.label);
      for (const k of LABELS) expect(l.scores[k]).toBeCloseTo(expected.scores[k]!, 3);
    }
    await em.dispose();
    const heard = await loadAudio(out, { sampleRate: 16000 });
    expect(heard.samples.length).toBe(audio.length);
    expect(c.err()).toContain(`recording saved to ${out} (4.5 s)`);
  });

  it.skipIf(!hasSox)('--duration stops early; silence is reported, not classified', async () => {
    const quiet = join(work, 'quiet.wav');
    const silent = new Uint8Array(speechLikeWav(3, 1));
    silent.fill(0, 44);
    writeFileSync(quiet, silent);
    process.env.SER_RECORD_COMMAND = `sox ${JSON.stringify(quiet)} -t raw -r 16000 -e signed -b 16 -c 1 -`;
    const c = capture();
    expect(await run(['record', '--json', '--duration', '2', '--model', model.dir], c.io)).toBe(0);
    const lines = c.out().trimEnd().split('\n').map((l) => JSON.parse(l) as { time: number; silence?: boolean });
    expect(lines.map((l) => [l.time, l.silence])).toEqual([[1, true], [2, true]]);
  });

  it('a recorder that fails: one line saying what to check, exit 1', async () => {
    process.env.SER_RECORD_COMMAND = 'echo "no such device" >&2; exit 3';
    const c = capture();
    expect(await run(['record', '--model', model.dir], c.io)).toBe(1);
    expect(c.err()).toMatch(/error: the recorder .* stopped with code 3: no such device; check that a microphone is connected/);
    expect(c.err()).not.toMatch(/\n\s+at /);
  });
});

describe('ser export', () => {
  /** Saves a tfjs model the way tfjs-node's file:// handler does: model.json + one weight shard. */
  async function saveTfjs(dir: string, model: tf.LayersModel): Promise<string> {
    mkdirSync(dir, { recursive: true });
    await model.save(tf.io.withSaveHandler(async (a) => {
      writeFileSync(join(dir, 'weights.bin'), Buffer.from(a.weightData as ArrayBuffer));
      writeFileSync(join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    return join(dir, 'model.json');
  }

  it('writes an ONNX file that onnxruntime runs like tfjs, and says by how much they differ', async () => {
    await initTf();
    const net = tf.sequential({ layers: [
      tf.layers.conv1d({ inputShape: [20, 3], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
      tf.layers.globalAveragePooling1d(),
      tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
    ] });
    const json = await saveTfjs(join(work, 'tfjs'), net);
    const onnx = join(work, 'net.onnx');
    const c = capture();
    expect(await run(['export', json, '--out', onnx, '--json', '--examples', '20'], c.io)).toBe(0);
    const s = JSON.parse(c.out()) as { bytes: number; maxAbsDiff: number; examples: number; opset: number };
    expect(s.examples).toBe(20);
    expect(s.opset).toBe(13);
    expect(s.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    expect(readFileSync(onnx).length).toBe(s.bytes);
    const ort = (await import('onnxruntime-node')).default;
    const session = await ort.InferenceSession.create(onnx);
    const x = tf.randomNormal([2, 20, 3], 0, 1, 'float32', 9);
    const got = (await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x.dataSync() as Float32Array, [2, 20, 3]) }))[session.outputNames[0]!]!.data as Float32Array;
    const want = (net.predict(x) as tf.Tensor).dataSync();
    want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
    await session.release();
  });

  it('a missing or non-tfjs model.json, or an --out that is not .onnx: one clear line, nothing written', async () => {
    const a = capture();
    expect(await run(['export', join(work, 'nope', 'model.json'), '--out', join(work, 'x.onnx')], a.io)).toBe(1);
    expect(a.err()).toMatch(/nope\/model.json: cannot read a TensorFlow.js model \(no such file\)/);
    const junk = join(work, 'junk.json');
    writeFileSync(junk, '{"hello": 1}');
    const b = capture();
    expect(await run(['export', junk, '--out', join(work, 'x.onnx')], b.io)).toBe(1);
    expect(b.err()).toContain('not a TensorFlow.js layers model');
    const c = capture();
    expect(await run(['export', junk, '--out', join(work, 'x.txt')], c.io)).toBe(1);
    expect(c.err()).toContain('ending in .onnx');
    expect(existsSync(join(work, 'x.onnx'))).toBe(false);
  });
});

describe('ser info on a model folder', () => {
  it('prints the card: name, labels, input, data and file size; --json gives the whole card', async () => {
    const c = capture();
    expect(await run(['info', model.dir], c.io)).toBe(0);
    const text = c.out();
    expect(text).toContain(`name          ${model.card.name}`);
    expect(text).toContain(`labels        ${LABELS.join(', ')}`);
    expect(text).toContain('input         classic193 at 16000 Hz, shape [193]');
    expect(text).toMatch(/file {10}model\.onnx, \d+ KB, opset 13/);
    const j = capture();
    expect(await run(['info', '--json', model.dir], j.io)).toBe(0);
    const [entry] = JSON.parse(j.out()) as { model: { card: { labels: string[] }; bytes: number } }[];
    expect(entry!.model.card.labels).toEqual(LABELS);
  });

  it('a broken model folder: one line naming the file', async () => {
    const broken = join(work, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'card.json'), '{ not json');
    const c = capture();
    expect(await run(['info', broken], c.io)).toBe(1);
    expect(c.err()).toMatch(new RegExp(`^error: ${join(broken, 'card.json')}: not valid JSON`));
  });
});
