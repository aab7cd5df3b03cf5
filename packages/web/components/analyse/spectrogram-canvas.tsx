'use client';

import { useEffect, useMemo, useRef } from 'react';
import type { AnalyseResult } from '../../lib/api-types';
import { VIRIDIS_GRADIENT, VIRIDIS_LUT } from './viridis';
import styles from './analyse.module.css';

type Spectrogram = AnalyseResult['spectrogram'];

/** Decodes the API's base64 bytes; a payload shorter than bands x frames is an error worth showing, not a blank. */
function spectrogramBytes(s: Spectrogram): Uint8Array {
  const raw = atob(s.data);
  if (raw.length < s.bands * s.frames) throw new Error(`the spectrogram has ${raw.length} bytes, expected ${s.bands * s.frames}`);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/**
 * The log-mel spectrogram the model sees, one canvas pixel per frame and band (the browser scales it to the width of
 * the waveform above, so time lines up), low frequencies at the bottom.
 */
export function SpectrogramCanvas({ spectrogram }: { spectrogram: Spectrogram }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const decoded = useMemo(() => {
    try {
      return { bytes: spectrogramBytes(spectrogram) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }, [spectrogram]);

  useEffect(() => {
    const el = canvas.current;
    if (!el || !decoded.bytes) return;
    const { bands, frames } = spectrogram;
    el.width = Math.max(1, frames);
    el.height = Math.max(1, bands);
    const ctx = el.getContext('2d');
    if (!ctx || frames === 0 || bands === 0) return;
    const image = ctx.createImageData(frames, bands);
    for (let b = 0; b < bands; b++) {
      const row = bands - 1 - b;
      for (let f = 0; f < frames; f++) {
        const v = decoded.bytes[b * frames + f]!;
        const o = (row * frames + f) * 4;
        image.data[o] = VIRIDIS_LUT[v * 3]!;
        image.data[o + 1] = VIRIDIS_LUT[v * 3 + 1]!;
        image.data[o + 2] = VIRIDIS_LUT[v * 3 + 2]!;
        image.data[o + 3] = 255;
      }
    }
    ctx.putImageData(image, 0, 0);
  }, [decoded, spectrogram]);

  if (decoded.error) return <p className="error">The spectrogram could not be drawn: {decoded.error}.</p>;
  return (
    <figure className={styles.spectrogram}>
      <canvas
        ref={canvas}
        data-testid="spectrogram-canvas"
        role="img"
        aria-label={`Log-mel spectrogram: ${spectrogram.bands} mel bands over ${spectrogram.frames} frames, low frequencies at the bottom`}
      />
      <figcaption>
        <span>Log-mel spectrogram ({spectrogram.bands} mel bands, low frequencies at the bottom)</span>
        <span className={styles.colourScale}>
          <span>{Math.round(spectrogram.minDb)} dB</span>
          <span className={styles.colourBar} style={{ backgroundImage: VIRIDIS_GRADIENT }} aria-hidden="true" />
          <span>{Math.round(spectrogram.maxDb)} dB</span>
        </span>
      </figcaption>
    </figure>
  );
}
