'use client';

import { useEffect, useRef, useState } from 'react';
import type { AnalyseResult } from '../../lib/api-types';
import { ApiRequestError, postForm } from '../common/api-client';
import { AnalysisResult } from './analysis-result';
import { AudioDropZone } from './audio-drop-zone';
import { MicrophoneRecorder } from './microphone-recorder';
import styles from './analyse.module.css';

type Analysis =
  | { kind: 'idle' }
  | { kind: 'analysing'; file: File }
  | { kind: 'done' }
  | { kind: 'failed'; file: File; error: string };

/** The Analyse page: pick, drop or record a recording, send it to /api/analyse, show what came back. */
export function AnalyseView() {
  const [analysis, setAnalysis] = useState<Analysis>({ kind: 'idle' });
  const [shown, setShown] = useState<{ id: number; result: AnalyseResult; file: File } | undefined>(undefined);
  const inFlight = useRef<AbortController | null>(null);

  useEffect(() => () => inFlight.current?.abort(), []);

  const analyse = async (file: File) => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setAnalysis({ kind: 'analysing', file });
    const form = new FormData();
    form.append('file', file, file.name);
    try {
      const result = await postForm<AnalyseResult>('/api/analyse', form, controller.signal);
      // A fresh id per analysis gives each result its own player and playhead, even for the same file again.
      setShown((previous) => ({ id: (previous?.id ?? 0) + 1, result, file }));
      setAnalysis({ kind: 'done' });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') return;
      setAnalysis({ kind: 'failed', file, error: e instanceof ApiRequestError ? e.message : `Something went wrong: ${String(e)}` });
    } finally {
      if (inFlight.current === controller) inFlight.current = null;
    }
  };

  const busy = analysis.kind === 'analysing';
  return (
    <>
      <h1>Analyse a recording</h1>
      <p className="muted">
        The server decodes the file, computes the features the model was trained on and returns the emotion of the whole recording and of each
        3-second window. Nothing leaves this machine.
      </p>
      <div className={`panel ${styles.inputs}`}>
        <AudioDropZone onFile={(f) => void analyse(f)} disabled={busy} />
        <MicrophoneRecorder onRecording={(f) => void analyse(f)} disabled={busy} />
      </div>
      <div role="status" className={styles.status}>
        {busy && (
          <>
            <span className={styles.spinner} aria-hidden="true" /> Analysing {analysis.file.name}…
          </>
        )}
      </div>
      {analysis.kind === 'failed' && (
        <div role="alert" className={`panel ${styles.alert}`}>
          <strong>{analysis.file.name} could not be analysed.</strong> {analysis.error}
        </div>
      )}
      {shown && (
        <div aria-busy={busy} className={busy ? styles.stale : undefined}>
          <AnalysisResult key={shown.id} result={shown.result} file={shown.file} />
        </div>
      )}
    </>
  );
}
