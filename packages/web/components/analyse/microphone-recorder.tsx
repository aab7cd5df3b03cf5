'use client';

import { useEffect, useRef, useState } from 'react';
import { formatSeconds } from './time';
import styles from './analyse.module.css';

/** Longer takes are cut here: the whole take is held in memory and analysed at once. */
const MAX_SECONDS = 60;

interface Props {
  onRecording(file: File): void;
  disabled: boolean;
}

type State = { kind: 'idle' } | { kind: 'recording'; started: number } | { kind: 'encoding' };

/**
 * Records from the microphone with MediaRecorder, then decodes the take in the browser and uploads it as 16-bit WAV:
 * browsers record WebM/Opus or MP4/AAC, which the server's decoder does not read, while every browser can decode
 * its own recordings.
 */
export function MicrophoneRecorder({ onRecording, disabled }: Props) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [elapsed, setElapsed] = useState(0);
  const [error, setError] = useState<string | undefined>(undefined);
  const recorder = useRef<MediaRecorder | null>(null);
  // Known only in the browser; assumed until then so the server's HTML and the first client render agree.
  const [supported, setSupported] = useState(true);
  useEffect(() => setSupported(typeof MediaRecorder !== 'undefined' && !!navigator.mediaDevices?.getUserMedia), []);

  useEffect(() => {
    if (state.kind !== 'recording') return;
    const timer = window.setInterval(() => {
      const seconds = (performance.now() - state.started) / 1000;
      setElapsed(seconds);
      if (seconds >= MAX_SECONDS) recorder.current?.stop();
    }, 200);
    return () => window.clearInterval(timer);
  }, [state]);

  // Leaving the page mid-take releases the microphone.
  useEffect(() => () => recorder.current?.stream.getTracks().forEach((t) => t.stop()), []);

  const start = async () => {
    setError(undefined);
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
    } catch (e) {
      setError(microphoneError(e));
      return;
    }
    const chunks: Blob[] = [];
    const rec = new MediaRecorder(stream);
    rec.ondataavailable = (e) => {
      if (e.data.size > 0) chunks.push(e.data);
    };
    rec.onstop = async () => {
      stream.getTracks().forEach((t) => t.stop());
      recorder.current = null;
      setState({ kind: 'encoding' });
      try {
        onRecording(await recordingAsWav(new Blob(chunks, { type: rec.mimeType })));
      } catch (e) {
        setError(`The recording could not be converted to WAV: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        setState({ kind: 'idle' });
      }
    };
    recorder.current = rec;
    rec.start(250);
    setElapsed(0);
    setState({ kind: 'recording', started: performance.now() });
  };

  if (!supported) return <p className="muted">This browser cannot record from a microphone here; choose a file instead.</p>;
  return (
    <div className={styles.recorder}>
      {state.kind === 'recording' ? (
        <button type="button" onClick={() => recorder.current?.stop()}>
          <span className={styles.recDot} aria-hidden="true" /> Stop and analyse
        </button>
      ) : (
        <button type="button" className="secondary" onClick={() => void start()} disabled={disabled || state.kind === 'encoding'}>
          <span className={styles.micDot} aria-hidden="true" /> Record from microphone
        </button>
      )}
      <span role="status" className="muted">
        {state.kind === 'recording' ? `Recording… ${formatSeconds(elapsed)} (stops at ${MAX_SECONDS} s)` : state.kind === 'encoding' ? 'Preparing the recording…' : ''}
      </span>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}

function microphoneError(e: unknown): string {
  const name = e instanceof DOMException ? e.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'Microphone access was refused. Allow it in the browser’s site settings, or choose a file instead.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No microphone was found. Connect one, or choose a file instead.';
  return `The microphone could not be opened: ${e instanceof Error ? e.message : String(e)}`;
}

/** Decodes a browser recording, mixes it to mono and encodes it as WAV at the recording's own rate. */
async function recordingAsWav(blob: Blob): Promise<File> {
  if (blob.size === 0) throw new Error('nothing was recorded');
  const context = new AudioContext();
  try {
    const audio = await context.decodeAudioData(await blob.arrayBuffer());
    const mono = new Float32Array(audio.length);
    for (let c = 0; c < audio.numberOfChannels; c++) {
      const channel = audio.getChannelData(c);
      for (let i = 0; i < mono.length; i++) mono[i] = mono[i]! + channel[i]! / audio.numberOfChannels;
    }
    // Loaded only once there is something to encode, so the page itself stays small.
    const { encodeWav } = await import('@ser/core/browser');
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    // encodeWav allocates its own ArrayBuffer; the cast only narrows TypeScript's ArrayBufferLike for BlobPart.
    return new File([encodeWav(mono, audio.sampleRate) as Uint8Array<ArrayBuffer>], `recording-${stamp}.wav`, { type: 'audio/wav' });
  } finally {
    void context.close();
  }
}
