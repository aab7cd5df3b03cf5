import { loadAudio, type LoadedAudio } from '@ser/core';
import type { Io } from '../io.js';
import { looksLikeModelFolder, renderModelSummary, summarizeModel, type ModelSummary } from './model-info.js';

export interface AudioSummary {
  file: string;
  format: string;
  codec: string;
  bitsPerSample: number | null;
  sampleRate: number;
  channels: number;
  frames: number;
  durationSec: number;
  peakDbfs: number;
  rmsDbfs: number;
  /** Samples at or beyond full scale: a hint that the recording was clipped. */
  clippedSamples: number;
  warnings: string[];
}

const dbfs = (x: number) => (x > 0 ? 20 * Math.log10(x) : -Infinity);

export function summarize(file: string, a: LoadedAudio): AudioSummary {
  let peak = 0;
  let sumSquares = 0;
  let clipped = 0;
  let count = 0;
  for (const ch of a.channelData) {
    for (let i = 0; i < ch.length; i++) {
      const v = Math.abs(ch[i]!);
      if (v > peak) peak = v;
      if (v >= 0.99997) clipped++;
      sumSquares += v * v;
    }
    count += ch.length;
  }
  return {
    file,
    format: a.format,
    codec: a.codec,
    bitsPerSample: a.bitsPerSample ?? null,
    sampleRate: a.sampleRate,
    channels: a.channels,
    frames: a.channelData[0]!.length,
    durationSec: a.durationSec,
    peakDbfs: dbfs(peak),
    rmsDbfs: dbfs(Math.sqrt(sumSquares / Math.max(1, count))),
    clippedSamples: clipped,
    warnings: a.warnings,
  };
}

const fmtDb = (x: number) => (Number.isFinite(x) ? `${x.toFixed(1)} dBFS` : 'silent');

export function renderSummary(s: AudioSummary): string {
  const bits = s.bitsPerSample ? `, ${s.bitsPerSample}-bit` : '';
  const rows: [string, string][] = [
    ['format', `${s.format.toUpperCase()} (${s.codec}${bits})`],
    ['sample rate', `${s.sampleRate} Hz`],
    ['channels', String(s.channels)],
    ['duration', `${s.durationSec.toFixed(3)} s (${s.frames.toLocaleString('en-US')} frames)`],
    ['peak', fmtDb(s.peakDbfs)],
    ['rms', fmtDb(s.rmsDbfs)],
  ];
  if (s.clippedSamples > 0) rows.push(['clipped', `${s.clippedSamples} samples at full scale`]);
  for (const w of s.warnings) rows.push(['warning', w]);
  return `${s.file}\n${rows.map(([k, v]) => `  ${k.padEnd(12)}${v}`).join('\n')}\n`;
}

/**
 * `ser info <files|model folders...>`: what each audio file holds, or a model folder's card. Returns the number of
 * arguments that failed.
 */
export async function infoCommand(files: string[], opts: { json: boolean; onError: (file: string, err: unknown) => void }, io: Io): Promise<number> {
  const results: (AudioSummary | { model: ModelSummary } | { file: string; error: string })[] = [];
  let failed = 0;
  for (const file of files) {
    try {
      if (looksLikeModelFolder(file)) {
        const model = await summarizeModel(file);
        results.push({ model });
        if (!opts.json) io.out(renderModelSummary(model));
        continue;
      }
      const summary = summarize(file, await loadAudio(file, { mono: false }));
      results.push(summary);
      if (!opts.json) io.out(renderSummary(summary));
    } catch (err) {
      failed++;
      opts.onError(file, err);
      results.push({ file, error: err instanceof Error ? err.message : String(err) });
    }
  }
  if (opts.json) {
    // JSON has no -Infinity: a silent file's levels become null.
    io.out(`${JSON.stringify(results, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  }
  return failed;
}
