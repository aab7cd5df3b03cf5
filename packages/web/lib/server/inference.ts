/**
 * Uploads to the JSON of the API types: a prediction is exactly a line of `ser predict --json` (the model gets the
 * decoded samples at its own rate, as `EmotionModel.predict(path)` does after loadAudio), and an analysis adds what
 * the Analyse page draws.
 */
import type { EmotionModel, Prediction } from '@ser/core';
import type { AnalyseResult, PredictResult, SegmentResult } from '../api-types';
import { loadCore } from './core';
import { unprocessable } from './errors';
import { decodeUpload, type DecodeLimits, type DecodedUpload } from './decode';
import { spectrogramBytes, waveformEnvelope } from './visuals';
import type { UploadedFile } from './upload';

const scoresOf = (p: Prediction) => ({ label: p.label, scores: p.scores });

/** A per-speaker model classifies one speaker's recordings together; one upload at a time is not what it takes. */
function refusePerSpeaker(model: EmotionModel): void {
  if (model.perSpeaker) {
    throw unprocessable(
      `model "${model.card.name}" standardises features per speaker and classifies 10 or more recordings of one speaker together ` +
        '(`ser predict --speaker`); pick a model without per-speaker standardisation here',
    );
  }
}

async function timeline(model: EmotionModel, audio: DecodedUpload): Promise<{ overall: Prediction; duration: number; segments: SegmentResult[] }> {
  const t = await model.predictSegments({ samples: audio.samples, sampleRate: audio.sampleRate });
  return { overall: t.overall, duration: t.duration, segments: t.segments.map((s) => ({ start: s.start, end: s.end, ...scoresOf(s) })) };
}

/** POST /api/predict for one file; `segments` adds the duration and 3 s windows every 1 s. */
export async function predictUpload(model: EmotionModel, file: UploadedFile, lim: DecodeLimits, segments: boolean): Promise<PredictResult> {
  refusePerSpeaker(model);
  const audio = await decodeUpload(file, model.card.input.sampleRate, lim);
  if (!segments) return { file: file.name, ...scoresOf(await model.predict({ samples: audio.samples, sampleRate: audio.sampleRate })) };
  const t = await timeline(model, audio);
  return { file: file.name, ...scoresOf(t.overall), duration: t.duration, segments: t.segments };
}

/** POST /api/analyse: prediction, emotions over time, waveform and log-mel spectrogram, from one decode. */
export async function analyseUpload(model: EmotionModel, modelName: string, file: UploadedFile, lim: DecodeLimits): Promise<AnalyseResult> {
  refusePerSpeaker(model);
  const audio = await decodeUpload(file, model.card.input.sampleRate, lim);
  const t = await timeline(model, audio);
  const hop = (await loadCore()).PRESETS.logmel.request(audio.sampleRate).stft.hopLength;
  return {
    file: file.name,
    ...scoresOf(t.overall),
    duration: t.duration,
    segments: t.segments,
    labels: model.labels,
    model: modelName,
    waveform: waveformEnvelope(audio.samples),
    spectrogram: spectrogramBytes(model.extractor.logmel(audio.samples, audio.sampleRate), hop, audio.sampleRate),
  };
}
