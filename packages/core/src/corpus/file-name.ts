import { basename, dirname, extname } from 'node:path';
import { CorpusError } from '../errors.js';
import type { CorpusItem } from './types.js';

/** Extensions `readCorpus` treats as audio (compared case-insensitively). */
export const CORPUS_AUDIO_EXTENSIONS = ['wav', 'flac', 'mp3', 'ogg', 'opus', 'aif', 'aiff', 'aifc'] as const;

const CORPUS_AUDIO_EXTENSION_SET: ReadonlySet<string> = new Set(CORPUS_AUDIO_EXTENSIONS);

export function isCorpusAudioFileName(name: string): boolean {
  return CORPUS_AUDIO_EXTENSION_SET.has(extname(name).slice(1).toLowerCase());
}

/** The parts of a path a scheme reads: the file name without its extension, and the name of its folder. */
export interface NameParts {
  stem: string;
  /** '' when the path has no folder part. */
  parentFolder: string;
}

export function nameParts(path: string): NameParts {
  const file = basename(path);
  const dir = dirname(path);
  return {
    stem: file.slice(0, file.length - extname(file).length),
    parentFolder: dir === '.' || dir === path ? '' : basename(dir),
  };
}

/** A file-name scheme of one corpus. */
export interface CorpusScheme {
  name: CorpusItem['corpus'];
  /** Human-readable corpus name for messages. */
  title: string;
  /** A typical file name, shown in messages. */
  example: string;
  /**
   * Whether a name has this corpus' shape, ignoring whether its codes are valid. Used to tell corpora apart: a misnamed
   * file that still has the shape is sent to `parse`, which says exactly what is wrong with it.
   */
  looksLike(parts: NameParts): boolean;
  /** Parses the labels out of a path, or throws `CorpusError` naming the path and what was expected. */
  parse(path: string): CorpusItem;
}

/** Throws unless `path` has an audio extension; returns its name parts. */
export function audioNameParts(path: string, scheme: string): NameParts {
  if (!isCorpusAudioFileName(path)) {
    throw new CorpusError(`not an audio file: ${scheme} expects one of the extensions .${CORPUS_AUDIO_EXTENSIONS.join(', .')}`, path);
  }
  return nameParts(path);
}

/** Looks a code up in a table, or throws a `CorpusError` that lists the valid codes. */
export function lookupCode<V>(table: ReadonlyMap<string, V>, code: string, what: string, path: string): V {
  const value = table.get(code);
  if (value === undefined) {
    throw new CorpusError(`unknown ${what} '${code}' (expected one of ${[...table.keys()].join(', ')})`, path);
  }
  return value;
}
