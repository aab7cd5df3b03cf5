/**
 * Turns command-line arguments into audio file paths: a folder means every audio file under it (recursively, sorted),
 * a glob is expanded (quoted globs, or shells that do not expand them), and anything else is kept as given so that
 * a missing file is reported by name instead of vanishing.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, isAbsolute, join } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';

/** Extensions the decoders read (the content is sniffed anyway; this only picks files out of folders). */
export const AUDIO_EXTENSIONS = ['.wav', '.wave', '.aif', '.aiff', '.aifc', '.flac', '.mp3', '.ogg', '.oga', '.opus'] as const;

export function isAudioFileName(name: string): boolean {
  return (AUDIO_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());
}

export interface ExpandedInputs {
  files: string[];
  /** Arguments that gave no audio file (an empty folder, a glob matching nothing), with why. */
  empty: { arg: string; reason: string }[];
}

export async function expandInputs(args: readonly string[]): Promise<ExpandedInputs> {
  const files: string[] = [];
  const empty: ExpandedInputs['empty'] = [];
  const seen = new Set<string>();
  const add = (f: string) => {
    if (!seen.has(f)) {
      seen.add(f);
      files.push(f);
    }
  };
  for (const arg of args) {
    const kind = await stat(arg).then((s) => (s.isDirectory() ? 'dir' : 'file'), () => 'missing' as const);
    if (kind === 'dir') {
      const found = await audioFilesUnder(arg);
      if (found.length === 0) empty.push({ arg, reason: `no audio files (${AUDIO_EXTENSIONS.join(' ')}) in this folder` });
      found.forEach(add);
    } else if (kind === 'missing' && isDynamicPattern(arg)) {
      const found = (await glob(arg, { onlyFiles: true, expandDirectories: false, absolute: isAbsolute(arg) })).sort();
      if (found.length === 0) empty.push({ arg, reason: 'the pattern matches no file' });
      found.forEach(add);
    } else {
      add(arg);
    }
  }
  return { files, empty };
}

async function audioFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && isAudioFileName(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}
