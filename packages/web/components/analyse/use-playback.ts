'use client';

import { useCallback, useEffect, useRef, useState } from 'react';

export interface Playback {
  /** Seconds into the recording, updated every animation frame while playing so the playhead moves smoothly. */
  time: number;
  playing: boolean;
  /** The range being played by `playRange`, until it ends or the user takes over. */
  range: { start: number; end: number } | undefined;
  seek(seconds: number): void;
  /** Plays from `start` and pauses at `end`: how a timeline segment is heard on its own. */
  playRange(start: number, end: number): void;
  /** Why the browser refused to play, if it did. */
  error: string | undefined;
}

/** Follows an <audio> element (passed once mounted) and offers seeking and playing a range of it. */
export function usePlayback(audio: HTMLAudioElement | null): Playback {
  const [time, setTime] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [range, setRange] = useState<{ start: number; end: number } | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const rangeEnd = useRef<number | undefined>(undefined);

  useEffect(() => {
    if (!audio) return;
    let frame = 0;
    const endRange = () => {
      rangeEnd.current = undefined;
      setRange(undefined);
    };
    const tick = () => {
      setTime(audio.currentTime);
      if (rangeEnd.current !== undefined && audio.currentTime >= rangeEnd.current) {
        audio.pause();
        endRange();
      }
      if (!audio.paused) frame = requestAnimationFrame(tick);
    };
    const onPlay = () => {
      setPlaying(true);
      setError(undefined);
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(tick);
    };
    const onStop = () => {
      setPlaying(false);
      cancelAnimationFrame(frame);
      setTime(audio.currentTime);
    };
    const onEnded = () => {
      onStop();
      endRange();
    };
    const onMoved = () => setTime(audio.currentTime);
    audio.addEventListener('play', onPlay);
    audio.addEventListener('pause', onStop);
    audio.addEventListener('ended', onEnded);
    audio.addEventListener('seeked', onMoved);
    audio.addEventListener('timeupdate', onMoved);
    return () => {
      cancelAnimationFrame(frame);
      audio.removeEventListener('play', onPlay);
      audio.removeEventListener('pause', onStop);
      audio.removeEventListener('ended', onEnded);
      audio.removeEventListener('seeked', onMoved);
      audio.removeEventListener('timeupdate', onMoved);
    };
  }, [audio]);

  const play = useCallback(
    (el: HTMLAudioElement) => {
      el.play().catch((e: unknown) => {
        // A pause that lands before playback starts rejects with AbortError; that is the user's wish, not a fault.
        if (e instanceof DOMException && e.name === 'AbortError') return;
        setError(`The browser would not play the recording (${e instanceof Error ? e.message : String(e)}).`);
      });
    },
    [],
  );

  const seek = useCallback(
    (seconds: number) => {
      if (!audio) return;
      rangeEnd.current = undefined;
      setRange(undefined);
      audio.currentTime = Math.max(0, seconds);
      setTime(audio.currentTime);
    },
    [audio],
  );

  const playRange = useCallback(
    (start: number, end: number) => {
      if (!audio) return;
      audio.currentTime = start;
      setTime(start);
      rangeEnd.current = end;
      setRange({ start, end });
      play(audio);
    },
    [audio, play],
  );

  return { time, playing, range, seek, playRange, error };
}
