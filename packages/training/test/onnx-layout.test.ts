import { createRng } from '@ser/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { permute, toChannelsFirst, toChannelsLast } from '../src/onnx/layout.js';
import { initTf, tf } from '../src/tf-backend.js';

describe('ONNX layout helpers', () => {
  beforeAll(async () => {
    await initTf();
  });

  it('permute reorders axes like tf.transpose (the HWIO -> OIHW kernel reorder)', () => {
    const rng = createRng(11);
    const shape = [3, 4, 2, 5];
    const values = Float32Array.from({ length: 120 }, () => rng.next());
    for (const perm of [[3, 2, 0, 1], [0, 3, 1, 2], [2, 0, 1, 3], [0, 1, 2, 3]]) {
      const expected = tf.tidy(() => tf.transpose(tf.tensor(values, shape), perm).dataSync());
      expect(Array.from(permute(values, shape, perm))).toEqual(Array.from(expected));
    }
  });

  it('channels-first and channels-last permutations are inverse of each other', () => {
    expect(toChannelsFirst(4)).toEqual([0, 3, 1, 2]);
    expect(toChannelsLast(4)).toEqual([0, 2, 3, 1]);
    expect(toChannelsFirst(3)).toEqual([0, 2, 1]);
    expect(toChannelsLast(3)).toEqual([0, 2, 1]);
  });
});
