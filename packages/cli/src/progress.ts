/**
 * A one-line progress bar on stderr for long work. Redrawn in place on a terminal; elsewhere (CI logs, pipes) it
 * prints nothing until `done`, so logs stay readable and `--json` on stdout stays clean.
 */
export interface ProgressBar {
  update(done: number, total: number, note?: string): void;
  done(message?: string): void;
}

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  const started = performance.now();
  const tty = Boolean(stream.isTTY);
  let last = 0;
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  return {
    update(done, total, note) {
      if (!tty) return;
      const now = performance.now();
      if (now - last < 80 && done < total) return;
      last = now;
      const width = 28;
      const filled = total > 0 ? Math.round((done / total) * width) : 0;
      const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
      stream.write(`\r${label} [${bar}] ${done}/${total}${note ? ` ${note}` : ''} ${elapsed()}\x1b[K`);
    },
    done(message) {
      if (tty) stream.write('\r\x1b[K');
      if (message) stream.write(`${label}: ${message} (${elapsed()})\n`);
    },
  };
}
