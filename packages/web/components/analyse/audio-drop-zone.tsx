'use client';

import { useId, useState, type ChangeEvent, type DragEvent } from 'react';
import styles from './analyse.module.css';

export const AUDIO_ACCEPT = 'audio/*,.wav,.flac,.mp3,.ogg,.oga,.opus';

interface Props {
  onFile(file: File): void;
  disabled: boolean;
}

/**
 * A file input dressed as a drop zone. The input itself stays in the tab order (only visually hidden), so the
 * keyboard reaches it like any other control and its label opens the file picker.
 */
export function AudioDropZone({ onFile, disabled }: Props) {
  const id = useId();
  const [dragging, setDragging] = useState(false);
  const [note, setNote] = useState<string | undefined>(undefined);

  const take = (files: FileList | null) => {
    const file = files?.[0];
    if (!file) return;
    setNote(files.length > 1 ? `Only ${file.name} is analysed here; the Batch page takes several files at once.` : undefined);
    onFile(file);
  };
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    if (!disabled) take(e.dataTransfer.files);
  };
  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    take(e.target.files);
    // Choosing the same file again should analyse it again.
    e.target.value = '';
  };

  return (
    <div
      className={styles.dropZone}
      data-dragging={dragging || undefined}
      onDragOver={(e) => {
        e.preventDefault();
        if (!disabled) setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <input id={id} type="file" accept={AUDIO_ACCEPT} className={styles.visuallyHidden} onChange={onChange} disabled={disabled} />
      <label htmlFor={id} className="button">
        Choose an audio file
      </label>
      <span className="muted">or drop one here: WAV, FLAC, MP3 or OGG.</span>
      {note && <p className={styles.note}>{note}</p>}
    </div>
  );
}
