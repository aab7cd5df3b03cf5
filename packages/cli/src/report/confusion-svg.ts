import type { ConfusionMatrix } from '@ser/core';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A confusion matrix as a standalone SVG: rows are the true emotions, columns the predictions, each cell shaded by
 * its share of the row (the recall of that class on the diagonal) and labelled with count and percentage.
 */
export function confusionSvg(cm: ConfusionMatrix, title: string): string {
  const k = cm.labels.length;
  const cell = 64;
  const left = 96;
  const top = 72;
  const width = left + k * cell + 24;
  const height = top + k * cell + 56;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`);
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  parts.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`);
  parts.push(`<text x="${left + (k * cell) / 2}" y="${top - 36}" text-anchor="middle" font-size="12">predicted</text>`);
  parts.push(`<text x="16" y="${top + (k * cell) / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 16 ${top + (k * cell) / 2})">true</text>`);
  cm.labels.forEach((label, j) => {
    parts.push(`<text x="${left + j * cell + cell / 2}" y="${top - 8}" text-anchor="middle" font-size="11">${esc(label)}</text>`);
  });
  cm.counts.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    parts.push(`<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end" font-size="11">${esc(cm.labels[i]!)}</text>`);
    row.forEach((count, j) => {
      const share = total > 0 ? count / total : 0;
      // White to deep blue by the share of the row; text flips to white on dark cells.
      const shade = Math.round(255 - share * 200);
      const fill = `rgb(${shade},${Math.round(255 - share * 140)},255)`;
      const x = left + j * cell;
      const y = top + i * cell;
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="${i === j ? '#222' : '#ccc'}"/>`);
      const color = share > 0.55 ? 'white' : 'black';
      parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2 - 2}" text-anchor="middle" font-size="13" fill="${color}">${count}</text>`);
      parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 14}" text-anchor="middle" font-size="10" fill="${color}">${(share * 100).toFixed(0)}%</text>`);
    });
  });
  parts.push(`<text x="${left}" y="${height - 16}" font-size="10" fill="#555">cells shaded by share of the true class (row); the diagonal is each class's recall</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
