/**
 * A CART classification tree grown the way scikit-learn grows the trees of a random forest: Gini impurity, a fresh
 * random subset of features at every split, weighted samples (bootstrap counts), grown until leaves are pure.
 * Leaves keep their class distribution, so a forest can average probabilities.
 *
 * Written here rather than taken from ml-random-forest because that library draws the feature subset once per tree
 * (measured on EMO-DB leave-one-speaker-out: UAR 0.547 against 0.578 for scikit-learn) and took 48 s per fold for
 * 500 trees; this one sorts each candidate feature once per node and takes a few ms per tree.
 */
import type { Rng } from '@ser/core';

export interface TreeData {
  /** Column-major features: feature f of sample i at cols[f][i]. */
  cols: Float32Array[];
  y: Int32Array;
  nClasses: number;
}

interface Node {
  feature: number; // -1 for a leaf
  threshold: number;
  left: number;
  right: number;
  proba: Float64Array | null;
}

export class RandomizedTree {
  readonly nodes: Node[] = [];

  /** Grows the tree on the samples with positive `weights` (bootstrap counts), `mtry` candidate features per split. */
  constructor(data: TreeData, weights: Float64Array, mtry: number, rng: Rng) {
    const samples: number[] = [];
    for (let i = 0; i < weights.length; i++) if (weights[i]! > 0) samples.push(i);
    this.#grow(data, weights, samples, mtry, rng);
  }

  #grow(data: TreeData, w: Float64Array, root: number[], mtry: number, rng: Rng): void {
    const k = data.nClasses;
    const nFeatures = data.cols.length;
    const featureOrder = Array.from({ length: nFeatures }, (_, i) => i);
    const stack: { samples: number[]; node: number }[] = [];
    const leaf = (samples: number[]): Node => {
      const proba = new Float64Array(k);
      let total = 0;
      for (const i of samples) {
        proba[data.y[i]!]! += w[i]!;
        total += w[i]!;
      }
      for (let c = 0; c < k; c++) proba[c]! /= total;
      return { feature: -1, threshold: 0, left: -1, right: -1, proba };
    };
    this.nodes.push(leaf(root));
    stack.push({ samples: root, node: 0 });
    const leftCounts = new Float64Array(k);
    const totalCounts = new Float64Array(k);
    while (stack.length > 0) {
      const { samples, node } = stack.pop()!;
      totalCounts.fill(0);
      let total = 0;
      for (const i of samples) {
        totalCounts[data.y[i]!]! += w[i]!;
        total += w[i]!;
      }
      let pure = false;
      for (let c = 0; c < k; c++) if (totalCounts[c] === total) pure = true;
      if (pure || total < 2 || samples.length < 2) continue;

      let bestGain = 0;
      let bestFeature = -1;
      let bestThreshold = 0;
      // Partial Fisher-Yates: the first mtry entries of featureOrder are this split's candidates.
      for (let j = 0; j < mtry && j < nFeatures; j++) {
        const r = j + rng.int(nFeatures - j);
        const tmp = featureOrder[j]!;
        featureOrder[j] = featureOrder[r]!;
        featureOrder[r] = tmp;
        const f = featureOrder[j]!;
        const col = data.cols[f]!;
        const sorted = samples.slice().sort((a, b) => col[a]! - col[b]!);
        leftCounts.fill(0);
        let leftTotal = 0;
        let sumSqTotal = 0;
        for (let c = 0; c < k; c++) sumSqTotal += totalCounts[c]! * totalCounts[c]!;
        let leftSq = 0;
        let rightSq = sumSqTotal;
        // Gini decrease is maximised by maximising sum_c L_c^2 / L + sum_c R_c^2 / R; track both sums incrementally.
        for (let s = 0; s < sorted.length - 1; s++) {
          const i = sorted[s]!;
          const c = data.y[i]!;
          const wi = w[i]!;
          const lc = leftCounts[c]!;
          const rc = totalCounts[c]! - lc;
          leftSq += (lc + wi) * (lc + wi) - lc * lc;
          rightSq += (rc - wi) * (rc - wi) - rc * rc;
          leftCounts[c] = lc + wi;
          leftTotal += wi;
          const v = col[i]!;
          const next = col[sorted[s + 1]!]!;
          if (next <= v) continue; // no threshold between equal values
          const gain = leftSq / leftTotal + rightSq / (total - leftTotal) - sumSqTotal / total;
          if (gain > bestGain + 1e-12) {
            bestGain = gain;
            bestFeature = f;
            bestThreshold = v + (next - v) / 2;
          }
        }
      }
      if (bestFeature < 0) continue;
      const col = data.cols[bestFeature]!;
      const left = samples.filter((i) => col[i]! <= bestThreshold);
      const right = samples.filter((i) => col[i]! > bestThreshold);
      const n = this.nodes[node]!;
      n.feature = bestFeature;
      n.threshold = bestThreshold;
      n.proba = null;
      n.left = this.nodes.push(leaf(left)) - 1;
      n.right = this.nodes.push(leaf(right)) - 1;
      stack.push({ samples: left, node: n.left }, { samples: right, node: n.right });
    }
  }

  /** Class distribution of the leaf `row` falls into. */
  leaf(row: Float32Array): Float64Array {
    let n = this.nodes[0]!;
    while (n.feature >= 0) n = this.nodes[row[n.feature]! <= n.threshold ? n.left : n.right]!;
    return n.proba!;
  }
}
