/**
 * `ser info <model folder>`: the model card in a few lines (what it recognises, from which input, trained on what,
 * how well speaker-independently), after loading the folder exactly as `ser predict` would, so a broken folder is
 * reported here too.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EmotionModel, type ModelCard } from '@ser/core';

export interface ModelSummary {
  dir: string;
  bytes: number;
  card: ModelCard;
}

/** True when `path` is a folder holding a card.json: a model, not audio. */
export function looksLikeModelFolder(path: string): boolean {
  return existsSync(join(path, 'card.json'));
}

export async function summarizeModel(dir: string): Promise<ModelSummary> {
  const model = await EmotionModel.load(dir, { engine: 'typescript', onWarning: () => {} });
  try {
    const bytes = (await stat(join(dir, 'model.onnx'))).size;
    return { dir, bytes, card: model.card };
  } finally {
    await model.dispose();
  }
}

interface CrossValidationFigure {
  corpus: string;
  protocol: string;
  runs: number;
  uar: { mean: number; std: number };
}

const f3 = (x: number) => x.toFixed(3);
/** A spread under 0.001 keeps one significant digit instead of printing as 0.000. */
const spread = (x: number) => (x > 0 && x < 0.0005 ? x.toFixed(4) : x.toFixed(3));

export function renderModelSummary(m: ModelSummary): string {
  const c = m.card;
  const t = c.training as Record<string, unknown>;
  const input = c.input.window
    ? `${c.input.preset} at ${c.input.sampleRate} Hz, windows of ${c.input.window.frames} frames every ${c.input.window.hop}, shape [${c.input.shape.join(', ')}]`
    : `${c.input.preset} at ${c.input.sampleRate} Hz, shape [${c.input.shape.join(', ')}]`;
  const rows: [string, string][] = [
    ['name', c.name],
    ['architecture', c.architecture],
    ['labels', c.labels.join(', ')],
    ['input', input],
    [
      'normalisation',
      c.speakerStandardisation
        ? `per speaker (${c.speakerStandardisation.minRecordings}+ recordings of one speaker together: ser predict --speaker), then ${c.normalization.kind}`
        : c.normalization.kind,
    ],
    ['file', `model.onnx, ${(m.bytes / 1024).toFixed(0)} KB, opset ${c.opset}`],
  ];
  rows.push(['trained', `TensorFlow.js ${c.backend} backend, ${c.createdAt.slice(0, 10)}`]);
  for (const k of c.training.corpora) rows.push(['data', `${k.name}: ${k.files} files, ${k.speakers} speakers (${k.licence})`]);
  const cv = Array.isArray(t.crossValidation) ? (t.crossValidation as CrossValidationFigure[]) : [];
  for (const v of cv) rows.push(['UAR', `${v.corpus}, ${v.protocol}: ${f3(v.uar.mean)} ± ${spread(v.uar.std)} over ${v.runs} run${v.runs === 1 ? '' : 's'}`]);
  if (cv.length === 0) rows.push(['protocol', c.training.protocol]);
  rows.push(['about', c.description]);
  return `${m.dir}\n${rows.map(([k, v]) => `  ${k.padEnd(14)}${v}`).join('\n')}\n`;
}
