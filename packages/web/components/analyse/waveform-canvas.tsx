'use client';

import { useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { AnalyseResult } from '../../lib/api-types';
import { useElementWidth } from '../common/use-element-width';
import { useThemeColours } from '../common/use-theme-colours';
import { formatSeconds } from './time';
import styles from './analyse.module.css';

const HEIGHT = 112;
const KEY_STEP_SECONDS = 0.5;

interface Props {
  waveform: AnalyseResult['waveform'];
  duration: number;
  time: number;
  onSeek(seconds: number): void;
}

/**
 * The recording's peak envelope. It is also the seek bar: click a point to move there, or focus it and use the arrow
 * keys, Home and End (it is an ARIA slider, so screen readers announce the position).
 */
export function WaveformCanvas({ waveform, duration, time, onSeek }: Props) {
  const [box, setBox] = useState<HTMLDivElement | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const width = useElementWidth(box);
  const colours = useThemeColours(['--accent', '--border'] as const);

  useEffect(() => {
    const el = canvas.current;
    if (!el || width === 0) return;
    drawEnvelope(el, waveform, width, colours['--accent'] || '#1f5fbf', colours['--border'] || '#c9ced6');
  }, [waveform, width, colours]);

  const seekToPointer = (e: MouseEvent<HTMLDivElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    onSeek(((e.clientX - rect.left) / rect.width) * duration);
  };
  const seekByKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const target =
      e.key === 'ArrowLeft' || e.key === 'ArrowDown'
        ? time - KEY_STEP_SECONDS
        : e.key === 'ArrowRight' || e.key === 'ArrowUp'
          ? time + KEY_STEP_SECONDS
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? duration
              : undefined;
    if (target === undefined) return;
    e.preventDefault();
    onSeek(Math.min(duration, Math.max(0, target)));
  };

  return (
    <div
      ref={setBox}
      className={styles.waveform}
      role="slider"
      tabIndex={0}
      aria-label="Waveform and playback position"
      aria-valuemin={0}
      aria-valuemax={Number(duration.toFixed(2))}
      aria-valuenow={Number(time.toFixed(2))}
      aria-valuetext={`${formatSeconds(time)} of ${formatSeconds(duration)}`}
      onClick={seekToPointer}
      onKeyDown={seekByKey}
    >
      <canvas ref={canvas} data-testid="waveform-canvas" style={{ height: HEIGHT }} />
    </div>
  );
}

/** Draws min/max columns scaled to the canvas' device pixels, merging envelope columns when there are more than pixels. */
function drawEnvelope(el: HTMLCanvasElement, waveform: AnalyseResult['waveform'], cssWidth: number, fill: string, axis: string) {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(cssWidth * dpr));
  const h = Math.round(HEIGHT * dpr);
  el.width = w;
  el.height = h;
  const ctx = el.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, w, h);
  const mid = h / 2;
  ctx.fillStyle = axis;
  ctx.fillRect(0, Math.floor(mid), w, Math.max(1, Math.round(dpr)));
  const columns = Math.min(waveform.columns, waveform.min.length, waveform.max.length);
  if (columns === 0) return;
  ctx.fillStyle = fill;
  for (let x = 0; x < w; x++) {
    const from = Math.floor((x * columns) / w);
    const to = Math.max(from + 1, Math.floor(((x + 1) * columns) / w));
    let lo = 1;
    let hi = -1;
    for (let c = from; c < to && c < columns; c++) {
      lo = Math.min(lo, waveform.min[c]!);
      hi = Math.max(hi, waveform.max[c]!);
    }
    if (hi < lo) continue;
    // A silent stretch still shows a one-pixel line, so the envelope never looks broken.
    const top = mid - hi * mid;
    const bottom = mid - lo * mid;
    ctx.fillRect(x, top, 1, Math.max(1, bottom - top));
  }
}
