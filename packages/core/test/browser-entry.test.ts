/**
 * `@ser/core/browser` must bundle for the browser (no Node builtin, no addon) and classify exactly as the Node
 * EmotionModel does with the same engine: the live page of the web dashboard depends on both.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { EmotionModel } from '../src/index.js';
import { EmotionModelCore, EngineFeatureExtractor, TypeScriptEngine } from '../src/browser.js';

const root = join(import.meta.dirname, '..');
const defaultModel = join(root, '..', '..', 'models', 'default');

describe('@ser/core/browser', () => {
  it('bundles for the browser with nothing external', async () => {
    const r = await build({ entryPoints: [join(root, 'src', 'browser.ts')], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
    const code = r.outputFiles[0]!.text;
    expect(code).not.toMatch(/from\s*["']node:/);
    expect(code).not.toMatch(/require\(["'](fs|path|module|node:)/);
    expect(code).toContain('EmotionModelCore');
  });

  it.skipIf(!existsSync(join(defaultModel, 'card.json')))('EmotionModelCore.fromBytes predicts like EmotionModel.load on the same engine', async () => {
    const card = JSON.parse(readFileSync(join(defaultModel, 'card.json'), 'utf8'));
    const bytes = new Uint8Array(readFileSync(join(defaultModel, 'model.onnx')));
    const core = await EmotionModelCore.fromBytes(card, bytes, { runtime: ort, extractor: new EngineFeatureExtractor(new TypeScriptEngine()), source: 'models/default' });
    const node = await EmotionModel.load(defaultModel, { engine: 'typescript' });
    // Two seconds of a gliding harmonic tone at 22.05 kHz: resampled to the card's 16 kHz by both.
    const rate = 22050;
    const samples = new Float32Array(2 * rate);
    let phase = 0;
    for (let i = 0; i < samples.length; i++) {
      phase += (2 * Math.PI * (150 + 50 * Math.sin(i / rate))) / rate;
      samples[i] = 0.3 * Math.sin(phase) + 0.1 * Math.sin(3 * phase);
    }
    const a = await core.predict({ samples, sampleRate: rate });
    const b = await node.predict({ samples, sampleRate: rate });
    expect(a.label).toBe(b.label);
    for (const l of core.labels) expect(a.scores[l]).toBeCloseTo(b.scores[l]!, 6);
    const t = await core.predictSegments({ samples, sampleRate: rate }, { window: 1, hop: 0.5 });
    expect(t.segments.map((s) => [s.start, s.end])).toEqual([[0, 1], [0.5, 1.5], [1, 2]]);
    await expect(core.predict('file.wav')).rejects.toThrow(/takes decoded audio: pass \{ samples, sampleRate \}/);
    await core.dispose();
    await node.dispose();
  });
});
