/**
 * The emotion a corpus file name declares (EMO-DB's 03a01Fa.wav is happy, RAVDESS codes it in the third field, ...),
 * so the compare view can put the model's answer beside the actor's intended emotion. Only names that have a corpus'
 * exact shape count; anything else has no expected label rather than a guessed one.
 */
import { basename, dirname, extname } from 'node:path';
import { CORPUS_SCHEMES, type NameParts } from '@ser/core';

function partsOf(path: string): NameParts {
  const file = basename(path);
  const dir = dirname(path);
  return { stem: file.slice(0, file.length - extname(file).length), parentFolder: dir === '.' || dir === path ? '' : basename(dir) };
}

/** The canonical emotion the file name encodes, or undefined when it follows no known corpus scheme. */
export function expectedEmotion(path: string): string | undefined {
  const parts = partsOf(path);
  for (const scheme of Object.values(CORPUS_SCHEMES)) {
    if (!scheme.looksLike(parts)) continue;
    try {
      return scheme.parse(path).emotion;
    } catch {
      return undefined; // the right shape with an invalid code: no claim rather than a wrong one
    }
  }
  return undefined;
}
