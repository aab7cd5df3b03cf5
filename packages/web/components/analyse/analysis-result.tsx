'use client';

import { useEffect, useState } from 'react';
import type { AnalyseResult } from '../../lib/api-types';
import { percent } from '../common/emotions';
import { EmotionBars } from './emotion-bars';
import { EmotionLegend, EmotionTimeline } from './emotion-timeline';
import { SpectrogramCanvas } from './spectrogram-canvas';
import { TimeAxis } from './time-axis';
import { formatSeconds } from './time';
import { usePlayback } from './use-playback';
import { WaveformCanvas } from './waveform-canvas';
import styles from './analyse.module.css';

interface Props {
  result: AnalyseResult;
  /** The uploaded file, played back from memory. */
  file: File;
}

/** Everything about one analysed recording: verdict, playback, waveform, emotions over time, spectrogram and scores. */
/** An object URL for a file while the component shows it; revoked afterwards so the file's memory is freed. */
function useObjectUrl(file: File): string | undefined {
  const [url, setUrl] = useState<string | undefined>(undefined);
  useEffect(() => {
    const u = URL.createObjectURL(file);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [file]);
  return url;
}

export function AnalysisResult({ result, file }: Props) {
  const audioUrl = useObjectUrl(file);
  const [audio, setAudio] = useState<HTMLAudioElement | null>(null);
  const playback = usePlayback(audio);
  const duration = result.duration;
  const playheadLeft = `${duration > 0 ? Math.min(100, (playback.time / duration) * 100) : 0}%`;

  return (
    <section className={`panel ${styles.result}`} aria-labelledby="result-heading">
      <h2 id="result-heading" className={styles.resultHeading}>
        {result.file}
      </h2>
      <p className={styles.verdict}>
        Most likely <strong data-testid="predicted-label">{result.label}</strong> ({percent(result.scores[result.label] ?? 0)}) ·{' '}
        {formatSeconds(duration)} · model <code>{result.model}</code>
      </p>
      <audio ref={setAudio} src={audioUrl} controls preload="auto" className={styles.player} aria-label={`Play ${result.file}`} />
      {playback.error && (
        <p role="alert" className="error">
          {playback.error}
        </p>
      )}
      <div className={styles.resultGrid}>
        <div className={styles.timeAligned}>
          <div className={styles.track}>
            <WaveformCanvas waveform={result.waveform} duration={duration} time={playback.time} onSeek={playback.seek} />
            <EmotionTimeline segments={result.segments} duration={duration} playing={playback.range} onPlay={(s) => playback.playRange(s.start, s.end)} />
            <span className={styles.playhead} style={{ left: playheadLeft }} aria-hidden="true" data-testid="playhead" />
          </div>
          <TimeAxis duration={duration} />
          <EmotionLegend labels={result.labels} segments={result.segments} />
          <SpectrogramCanvas spectrogram={result.spectrogram} />
        </div>
        <div>
          <h3 className={styles.subheading}>Emotion probabilities</h3>
          <EmotionBars labels={result.labels} scores={result.scores} predicted={result.label} />
        </div>
      </div>
    </section>
  );
}
