import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CorpusError } from '../errors.js';
import { EMOTIONS, type Emotion } from './emotions.js';
import { CORPUS_AUDIO_EXTENSIONS, isCorpusAudioFileName, nameParts } from './file-name.js';
import { CORPUS_SCHEMES } from './schemes.js';
import { sortSpeakerIds } from './speaker-order.js';
import { CORPUS_NAMES, type Corpus, type CorpusItem, type CorpusName } from './types.js';

export interface ReadCorpusOptions {
  /** Skips detection; every file must then fit this corpus' scheme. */
  corpus?: CorpusName;
}

/**
 * Reads a corpus folder: every audio file under `dir` (recursively, in sorted order) parsed by its corpus' file-name
 * scheme. A file that does not parse fails the whole read, because silently dropping it would change the class
 * balance and the speaker sets without anyone noticing.
 */
export async function readCorpus(dir: string, options: ReadCorpusOptions = {}): Promise<Corpus> {
  const root = resolve(dir);
  await assertDirectory(root, dir);
  const files = await listAudioFiles(root);
  if (files.length === 0) {
    throw new CorpusError(`no audio files (.${CORPUS_AUDIO_EXTENSIONS.join(', .')}) in this folder or below it`, dir);
  }
  const name = options.corpus ?? detectCorpus(files, dir);
  return { name, root, items: parseAll(name, files) };
}

async function assertDirectory(root: string, shownAs: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(root)).isDirectory();
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new CorpusError(code === 'ENOENT' ? 'corpus folder not found' : `cannot read corpus folder (${code ?? String(cause)})`, shownAs);
  }
  if (!isDirectory) throw new CorpusError('not a folder: readCorpus expects the folder that holds the corpus', shownAs);
}

/** Absolute paths of the audio files below `root`, depth-first, each folder's entries in code-unit order. */
async function listAudioFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      // Dotfiles include macOS resource forks (`._03a01Fa.wav`) that look like audio but are not.
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (isCorpusAudioFileName(entry.name) && (await isRegularFile(entry, path))) found.push(path);
    }
  };
  await walk(root);
  return found;
}

/**
 * Symbolic links to files count (corpora are often assembled as link farms); links to folders are not followed, so a
 * link cycle cannot make the walk endless. Sockets, pipes, devices and dangling links are skipped.
 */
async function isRegularFile(entry: Dirent, path: string): Promise<boolean> {
  if (entry.isFile()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function detectCorpus(files: readonly string[], shownAs: string): CorpusName {
  const shapeCounts = CORPUS_NAMES.map((name) => {
    const scheme = CORPUS_SCHEMES[name];
    return { name, count: files.filter((f) => scheme.looksLike(nameParts(f))).length };
  }).filter(({ count }) => count > 0);

  const only = shapeCounts[0];
  if (shapeCounts.length === 1 && only) return only.name;

  const hint = `pass { corpus: ${CORPUS_NAMES.map((n) => `'${n}'`).join(' | ')} } to readCorpus`;
  if (shapeCounts.length === 0) {
    const examples = CORPUS_NAMES.map((n) => `${CORPUS_SCHEMES[n].title} ${CORPUS_SCHEMES[n].example}`).join(', ');
    throw new CorpusError(
      `cannot tell the corpus from the file names: none of the ${files.length} audio files is named like ${examples}; ${hint} to see why each file does not fit`,
      shownAs,
    );
  }
  const found = shapeCounts.map(({ name, count }) => `${count} ${CORPUS_SCHEMES[name].title}`).join(', ');
  throw new CorpusError(
    `the file names fit several corpora (${found} of ${files.length} files): point readCorpus at one corpus' folder, or ${hint}`,
    shownAs,
  );
}

function parseAll(name: CorpusName, files: readonly string[]): CorpusItem[] {
  const scheme = CORPUS_SCHEMES[name];
  const items: CorpusItem[] = [];
  const failures: CorpusError[] = [];
  for (const file of files) {
    try {
      items.push(scheme.parse(file));
    } catch (error) {
      if (!(error instanceof CorpusError)) throw error;
      failures.push(error);
    }
  }
  const first = failures[0];
  if (!first) return items;
  if (failures.length === 1) throw first;
  // Report how many are broken, so nobody fixes one file and re-runs forty times.
  const others = failures.slice(1, 4).map((f) => f.file ?? '?');
  const more = failures.length - 1;
  const reason = first.file && first.message.startsWith(`${first.file}: `) ? first.message.slice(first.file.length + 2) : first.message;
  throw new CorpusError(
    `${reason} (and ${more} more file${more === 1 ? '' : 's'} that do not fit the ${scheme.title} scheme, e.g. ${others.join(', ')})`,
    first.file,
  );
}

/**
 * Counts for a corpus report. Iterate `emotions` and `speakers` for a stable order: plain-object key order cannot be
 * relied on, as JavaScript lists integer-like keys ('10', '1001') before others ('03').
 */
export interface CorpusSummary {
  total: number;
  /** Emotions present, in canonical order. */
  emotions: Emotion[];
  /** Speakers present, in natural order ('Actor_2' before 'Actor_10'). */
  speakers: string[];
  perEmotion: Partial<Record<Emotion, number>>;
  perSpeaker: Record<string, number>;
  perSpeakerEmotion: Record<string, Partial<Record<Emotion, number>>>;
}

export function summarizeCorpus(items: readonly Pick<CorpusItem, 'speaker' | 'emotion'>[]): CorpusSummary {
  const perEmotion: Partial<Record<Emotion, number>> = {};
  const perSpeaker: Record<string, number> = {};
  const perSpeakerEmotion: Record<string, Partial<Record<Emotion, number>>> = {};
  for (const { speaker, emotion } of items) {
    perEmotion[emotion] = (perEmotion[emotion] ?? 0) + 1;
    perSpeaker[speaker] = (perSpeaker[speaker] ?? 0) + 1;
    const row = perSpeakerEmotion[speaker] ?? {};
    row[emotion] = (row[emotion] ?? 0) + 1;
    perSpeakerEmotion[speaker] = row;
  }
  return {
    total: items.length,
    emotions: EMOTIONS.filter((emotion) => perEmotion[emotion] !== undefined),
    speakers: sortSpeakerIds(Object.keys(perSpeaker)),
    perEmotion,
    perSpeaker,
    perSpeakerEmotion,
  };
}
