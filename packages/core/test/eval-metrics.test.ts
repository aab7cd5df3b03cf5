import { describe, expect, it } from 'vitest';
import { MetricsError, computeMetrics, confusionMatrix, meanStd, poolConfusions, summarizeFolds } from '../src/eval/index.js';

describe('metrics against hand-computed confusion matrices', () => {
  // truth:     a a a a b b c c c c   (support a 4, b 2, c 4)
  // predicted: a a b c b a c c c a
  const truth = ['a', 'a', 'a', 'a', 'b', 'b', 'c', 'c', 'c', 'c'];
  const pred = ['a', 'a', 'b', 'c', 'b', 'a', 'c', 'c', 'c', 'a'];
  const m = computeMetrics(truth, pred, ['a', 'b', 'c']);

  it('confusion counts[true][predicted]', () => {
    expect(m.confusion.counts).toEqual([
      [2, 1, 1],
      [1, 1, 0],
      [1, 0, 3],
    ]);
  });
  it('accuracy = 6/10', () => expect(m.accuracy).toBeCloseTo(0.6, 12));
  it('per-class recall and precision by hand', () => {
    // recall: a 2/4, b 1/2, c 3/4; precision: a 2/4, b 1/2, c 3/4
    expect(m.perClass.map((c) => c.recall)).toEqual([0.5, 0.5, 0.75]);
    expect(m.perClass.map((c) => c.precision)).toEqual([0.5, 0.5, 0.75]);
    expect(m.perClass.map((c) => c.support)).toEqual([4, 2, 4]);
  });
  it('UAR = mean recall = (0.5 + 0.5 + 0.75) / 3, differing from accuracy', () => {
    expect(m.uar).toBeCloseTo(1.75 / 3, 12);
    expect(m.uar).not.toBeCloseTo(m.accuracy, 3);
  });
  it('macro F1 = mean of per-class F1', () => expect(m.macroF1).toBeCloseTo((0.5 + 0.5 + 0.75) / 3, 12));

  it('a majority-class predictor scores high accuracy but UAR 1/k', () => {
    const t = [...Array(90).fill('n'), ...Array(10).fill('h')];
    const r = computeMetrics(t, Array(100).fill('n'), ['n', 'h']);
    expect(r.accuracy).toBeCloseTo(0.9, 12);
    expect(r.uar).toBeCloseTo(0.5, 12);
    expect(r.perClass[1]).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });

  it('absent classes are left out of UAR, and unknown labels are errors', () => {
    const r = computeMetrics(['a', 'b'], ['a', 'a'], ['a', 'b', 'c']);
    expect(r.uar).toBeCloseTo(0.5, 12);
    expect(() => computeMetrics(['a'], ['z'], ['a', 'b'])).toThrow(MetricsError);
    expect(() => computeMetrics(['a', 'b'], ['a'], ['a', 'b'])).toThrow(/2 labels but predictions have 1/);
    expect(() => confusionMatrix(['a'], ['a'], ['a', 'a'])).toThrow(/duplicate/);
  });
});

describe('pooling over folds', () => {
  it('pools counts and reports mean +- std across folds', () => {
    const f1 = computeMetrics(['a', 'b'], ['a', 'b'], ['a', 'b']); // accuracy 1
    const f2 = computeMetrics(['a', 'a', 'b', 'b'], ['b', 'b', 'b', 'a'], ['a', 'b']); // accuracy 0.25
    const s = summarizeFolds([{ name: 'f1', metrics: f1 }, { name: 'f2', metrics: f2 }]);
    expect(s.pooled.confusion.counts).toEqual([[1, 2], [1, 2]]);
    expect(s.pooled.accuracy).toBeCloseTo(3 / 6, 12);
    expect(s.acrossFolds.accuracy.mean).toBeCloseTo(0.625, 12);
    expect(s.acrossFolds.accuracy.std).toBeCloseTo(0.375, 12);
    expect(() => poolConfusions([f1.confusion, confusionMatrix([], [], ['x'])])).toThrow(/different labels/);
  });
  it('meanStd uses the population std', () => {
    expect(meanStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(1.25) });
  });
});
