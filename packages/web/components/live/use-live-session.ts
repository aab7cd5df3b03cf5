'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { LiveEngine, type LiveModelInfo } from '../../lib/browser/live-engine';
import { LiveError, type LiveErrorKind } from '../../lib/browser/live-errors';
import type { LiveEvent, LiveLevel, LivePrediction } from '../../lib/browser/live-protocol';

/** Predictions kept for the timeline: 30 seconds at one a second. */
export const HISTORY_LENGTH = 30;

export type LiveStatus = 'idle' | 'starting' | 'listening';

export interface LiveSession {
  status: LiveStatus;
  model: LiveModelInfo | undefined;
  level: LiveLevel | undefined;
  /** The last HISTORY_LENGTH reports, oldest first, silences included. */
  history: LivePrediction[];
  /** The latest report that classified speech. */
  latest: LivePrediction | undefined;
  error: { kind: LiveErrorKind; message: string } | undefined;
  start: () => void;
  stop: () => void;
}

export function useLiveSession(modelUrl: string): LiveSession {
  const [status, setStatus] = useState<LiveStatus>('idle');
  const [model, setModel] = useState<LiveModelInfo>();
  const [level, setLevel] = useState<LiveLevel>();
  const [history, setHistory] = useState<LivePrediction[]>([]);
  const [error, setError] = useState<LiveSession['error']>();
  const engine = useRef<LiveEngine | undefined>(undefined);
  // Events still in flight when Stop is pressed must not add to the display.
  const listening = useRef(false);

  const onEvent = useCallback((event: LiveEvent) => {
    if (event.type === 'error') {
      setError({ kind: event.stage, message: event.stage === 'model' ? `The emotion model failed: ${event.message}` : `A prediction failed: ${event.message}` });
      return;
    }
    if (!listening.current) return;
    if (event.type === 'level') setLevel(event);
    else if (event.type === 'prediction') {
      setHistory((h) => [...h.slice(-(HISTORY_LENGTH - 1)), event]);
      // A failed prediction is news only until the next one works.
      if (event.label !== null) setError((e) => (e?.kind === 'inference' ? undefined : e));
    }
  }, []);

  useEffect(() => {
    const e = new LiveEngine(modelUrl, onEvent);
    engine.current = e;
    return () => {
      listening.current = false;
      engine.current = undefined;
      void e.dispose();
    };
  }, [modelUrl, onEvent]);

  const start = useCallback(() => {
    const e = engine.current;
    if (!e) return;
    setError(undefined);
    setStatus('starting');
    setHistory([]);
    setLevel(undefined);
    e.start().then(
      (info) => {
        if (!info) return; // stopped while starting
        setModel(info);
        listening.current = true;
        setStatus('listening');
      },
      (err: unknown) => {
        listening.current = false;
        setStatus('idle');
        setError(err instanceof LiveError ? { kind: err.kind, message: err.message } : { kind: 'audio', message: String(err) });
      },
    );
  }, []);

  const stop = useCallback(() => {
    listening.current = false;
    setStatus('idle');
    setLevel(undefined);
    void engine.current?.stop();
  }, []);

  const latest = history.findLast((p) => p.label !== null);
  return { status, model, level, history, latest, error, start, stop };
}
