// computeBatch: same results as compute, any thread count, off the event loop.
import { describe, expect, it } from 'vitest';

import type { FeatureResult, Matrix } from '../src/index.js';
import { fixtureNames, loadFixture, noise, request, tryEngine, underAsan } from './helpers.js';

const { engine } = tryEngine();

function expectSameMatrix(a: Matrix | undefined, b: Matrix | undefined): void {
  expect(a).toBeDefined();
  expect(b).toBeDefined();
  expect(a!.rows).toBe(b!.rows);
  expect(a!.cols).toBe(b!.cols);
  expect(Buffer.from(a!.data.buffer, a!.data.byteOffset, a!.data.byteLength).equals(
    Buffer.from(b!.data.buffer, b!.data.byteOffset, b!.data.byteLength),
  )).toBe(true);
}

function expectSameResult(a: FeatureResult, b: FeatureResult): void {
  for (const key of ['stft', 'mel', 'mfcc', 'logmel', 'chromaStft', 'contrast'] as const) {
    expect(a[key] === undefined).toBe(b[key] === undefined);
    if (a[key]) expectSameMatrix(a[key], b[key]);
  }
  expect(a.tuning).toEqual(b.tuning);
}

describe.skipIf(!engine)('computeBatch', () => {
  const features = ['stft', 'mel', 'mfcc', 'logmel', 'chromaStft', 'contrast'] as const;

  for (const threads of [1, 2]) {
    it(`equals compute() item by item with ${threads} thread(s)`, async () => {
      const names = fixtureNames();
      // Sample rates differ between fixtures: one batch per rate (a batch shares one request).
      for (const sr of [16000, 22050]) {
        const items = names.map((n) => loadFixture(n)).filter((f) => f.sampleRate === sr);
        expect(items.length).toBeGreaterThan(0);
        const req = request(sr, [...features]);
        const batch = await engine!.computeBatch(
          items.map(({ samples, sampleRate }) => ({ samples, sampleRate })),
          req,
          { threads },
        );
        expect(batch).toHaveLength(items.length);
        items.forEach((item, i) => expectSameResult(batch[i]!, engine!.compute(item.samples, item.sampleRate, req)));
      }
    });
  }

  it('handles an empty batch and concurrent batches', async () => {
    const req = request(16000, ['mfcc']);
    expect(await engine!.computeBatch([], req)).toEqual([]);
    const a = [noise(16000, 1), noise(8000, 2)].map((samples) => ({ samples, sampleRate: 16000 }));
    const b = [noise(12000, 3)].map((samples) => ({ samples, sampleRate: 16000 }));
    const [ra, rb] = await Promise.all([engine!.computeBatch(a, req), engine!.computeBatch(b, req, { threads: 1 })]);
    expectSameResult(ra[1]!, engine!.compute(a[1]!.samples, 16000, req));
    expectSameResult(rb[0]!, engine!.compute(b[0]!.samples, 16000, req));
  });

  it('keeps the event loop responsive and scales with threads', async () => {
    const sr = 16000;
    const n = 40;
    const seconds = underAsan ? 2 : 10;
    const items = Array.from({ length: n }, (_, i) => ({ samples: noise(seconds * sr, i + 1, 0.3), sampleRate: sr }));
    const req = request(sr, ['mfcc', 'chromaStft', 'contrast', 'mel']);
    const timings: Record<number, number> = {};
    for (const threads of [1, 2]) {
      let ticks = 0;
      let maxGap = 0;
      let last = performance.now();
      const timer = setInterval(() => {
        const now = performance.now();
        maxGap = Math.max(maxGap, now - last);
        last = now;
        ticks++;
      }, 10);
      const t0 = performance.now();
      const results = await engine!.computeBatch(items, req, { threads });
      const elapsed = performance.now() - t0;
      clearInterval(timer);
      timings[threads] = elapsed;
      expect(results).toHaveLength(n);
      expect(results[n - 1]!.mfcc!.cols).toBe(1 + Math.floor((seconds * sr) / 512));
      console.log(
        `batch of ${n} x ${seconds} s (mfcc+chroma+contrast+mel), ${threads} thread(s): ${elapsed.toFixed(0)} ms ` +
          `(${((n * seconds * 1000) / elapsed).toFixed(0)}x real time), ${ticks} timer ticks, ` +
          `longest event-loop gap ${maxGap.toFixed(1)} ms`,
      );
      if (!underAsan) {
        // The timer kept firing while the batch ran: the work happened off the main thread.
        expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsed / 10 / 4));
        expect(maxGap).toBeLessThan(150);
      }
    }
    console.log(`speed-up with 2 threads: ${(timings[1]! / timings[2]!).toFixed(2)}x`);
  });

  it('rejects invalid input with TypeError / RangeError naming the item', async () => {
    const req = request(16000, ['mfcc']);
    const good = { samples: noise(4000), sampleRate: 16000 };
    const nan = noise(4000);
    nan[123] = Number.NaN;
    await expect(engine!.computeBatch([good, { samples: nan, sampleRate: 16000 }], req)).rejects.toThrow(
      /items\[1\]\.samples\[123\] is NaN/,
    );
    await expect(engine!.computeBatch([good, { samples: new Float64Array(10), sampleRate: 16000 } as never], req))
      .rejects.toBeInstanceOf(TypeError);
    await expect(engine!.computeBatch([{ samples: noise(10), sampleRate: 5 }], req)).rejects.toBeInstanceOf(RangeError);
    await expect(engine!.computeBatch([null as never], req)).rejects.toBeInstanceOf(TypeError);
    await expect(engine!.computeBatch('nope' as never, req)).rejects.toBeInstanceOf(TypeError);
    await expect(engine!.computeBatch([good], req, { threads: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(engine!.computeBatch([good], req, { threads: 1.5 })).rejects.toBeInstanceOf(RangeError);
    await expect(engine!.computeBatch([good], { ...req, features: ['bogus'] } as never)).rejects.toBeInstanceOf(
      RangeError,
    );
  });
});
