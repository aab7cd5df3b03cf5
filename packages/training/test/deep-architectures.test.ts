import { beforeAll, describe, expect, it } from 'vitest';
import { DEEP_ARCHITECTURES, architectureInput, buildArchitecture, exportVerified, initTf, tf, type DeepArchitecture } from '../src/index.js';

const SMALL: Record<DeepArchitecture, { inputShape: number[]; widths: number[] }> = {
  dnn: { inputShape: [193], widths: [32, 16] },
  cnn1d: { inputShape: [193], widths: [8, 16, 16] },
  vgg2d: { inputShape: [32, 24, 1], widths: [4, 8, 8] },
  resatt2d: { inputShape: [32, 24, 1], widths: [4, 8] },
};

beforeAll(async () => {
  await initTf();
});

describe.each(DEEP_ARCHITECTURES)('%s', (arch) => {
  it('exports to ONNX and matches tfjs within 1e-4 on 100 inputs', async () => {
    const { inputShape, widths } = SMALL[arch];
    const model = buildArchitecture(arch, { inputShape, nClasses: 7, seed: 3, widths });
    // Trained BatchNormalization has non-trivial statistics; give the moving averages random values for the check.
    const randomised = model.getWeights().map((w, i) => tf.tidy(() => (/moving_variance/.test(model.weights[i]!.originalName) ? tf.randomUniform(w.shape, 0.5, 2, 'float32', i) : tf.randomNormal(w.shape, 0, 0.3, 'float32', i))));
    model.setWeights(randomised);
    tf.dispose(randomised);
    const samples = tf.randomNormal([100, ...inputShape], 0, 1, 'float32', 42);
    const { verification } = await exportVerified(model, samples);
    console.log(`${arch}: max |onnx - tfjs| = ${verification.maxAbsDiff}`);
    expect(verification.passed).toBe(true);
    expect(verification.samples).toBe(100);
    expect(verification.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    samples.dispose();
    model.dispose();
  });

  it('is the same model for the same seed', () => {
    const { inputShape, widths } = SMALL[arch];
    const flat = (m: tf.LayersModel) => m.getWeights().flatMap((w) => Array.from(w.dataSync()));
    const a = buildArchitecture(arch, { inputShape, nClasses: 4, seed: 5, widths });
    const b = buildArchitecture(arch, { inputShape, nClasses: 4, seed: 5, widths });
    // Seed 0 is the default; tfjs reads an initialiser seed of 0 as "none" (Math.random).
    const z0 = buildArchitecture(arch, { inputShape, nClasses: 4, seed: 0, widths });
    const z1 = buildArchitecture(arch, { inputShape, nClasses: 4, seed: 0, widths });
    expect(flat(z0)).toEqual(flat(z1));
    const c = buildArchitecture(arch, { inputShape, nClasses: 4, seed: 6, widths });
    expect(flat(a)).toEqual(flat(b));
    expect(flat(a)).not.toEqual(flat(c));
    [a, b, c].forEach((m) => m.dispose());
  });
});

describe('architecture inputs', () => {
  it('row models take [features], log-mel models [frames, bands, 1]', () => {
    expect(architectureInput('dnn')).toBe('rows');
    expect(architectureInput('cnn1d')).toBe('rows');
    expect(architectureInput('vgg2d')).toBe('logmel');
    expect(architectureInput('resatt2d')).toBe('logmel');
    expect(() => buildArchitecture('vgg2d', { inputShape: [193], nClasses: 3 })).toThrow(/frames, bands, 1/);
  });

  it('default sizes build on the real input shapes (193; 128 x 128 log-mel windows)', () => {
    for (const arch of DEEP_ARCHITECTURES) {
      const m = buildArchitecture(arch, { inputShape: architectureInput(arch) === 'rows' ? [193] : [128, 128, 1], nClasses: 7 });
      expect(m.outputs[0]!.shape).toEqual([null, 7]);
      m.dispose();
    }
  });
});
