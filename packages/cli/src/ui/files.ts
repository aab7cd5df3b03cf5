/**
 * What the browser lists: folders and audio files of one directory. Audio is recognised by extension only, because
 * sniffing every file's content would make a folder of thousands of recordings slow to open.
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { SerError } from '@ser/core';

export const AUDIO_EXTENSIONS = ['.wav', '.wave', '.aif', '.aiff', '.flac', '.mp3', '.ogg', '.oga', '.opus'] as const;

export function isAudioFileName(name: string): boolean {
  return (AUDIO_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());
}

export interface DirEntry {
  name: string;
  path: string;
  kind: 'parent' | 'dir' | 'audio';
  /** Bytes, for audio files. */
  size?: number;
}

/** A folder that cannot be listed (missing, not a folder, no permission). */
export class FolderError extends SerError {
  readonly folder: string;
  constructor(folder: string, reason: string, options?: { cause?: unknown }) {
    super(`${folder}: ${reason}`, options);
    this.folder = folder;
  }
}

function reasonFor(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such folder; check the path';
  if (code === 'ENOTDIR') return 'not a folder; name a folder of audio files';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied; check the folder permissions';
  return `cannot be listed (${(err as Error).message})`;
}

/**
 * The entries of `dir`: ".." first (except at the root), then folders, then audio files, each group by name.
 * Hidden entries are left out; a symlink counts as what it points to, so a folder of links to recordings works.
 */
export async function listFolder(dir: string): Promise<DirEntry[]> {
  const folder = resolve(dir);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (err) {
    throw new FolderError(folder, reasonFor(err), { cause: err });
  }
  const dirs: DirEntry[] = [];
  const audio: DirEntry[] = [];
  await Promise.all(
    names
      .filter((n) => !n.startsWith('.'))
      .map(async (name) => {
        const path = join(folder, name);
        // A dangling link or a file removed meanwhile is simply not listed.
        const s = await stat(path).catch(() => undefined);
        if (!s) return;
        if (s.isDirectory()) dirs.push({ name, path, kind: 'dir' });
        else if (s.isFile() && isAudioFileName(name)) audio.push({ name, path, kind: 'audio', size: s.size });
      }),
  );
  const byName = (a: DirEntry, b: DirEntry) => a.name.localeCompare(b.name, undefined, { numeric: true });
  const parent = dirname(folder);
  const up: DirEntry[] = parent === folder ? [] : [{ name: '..', path: parent, kind: 'parent' }];
  return [...up, ...dirs.sort(byName), ...audio.sort(byName)];
}

/** Entries whose name contains `filter` (case-insensitive); ".." always stays so the user can leave. */
export function filterEntries(entries: readonly DirEntry[], filter: string): DirEntry[] {
  const f = filter.trim().toLowerCase();
  if (!f) return [...entries];
  return entries.filter((e) => e.kind === 'parent' || e.name.toLowerCase().includes(f));
}

/** "12 kB", "3.4 MB": short enough for a list column. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let x = n;
  let u = -1;
  while (x >= 1000 && u < units.length - 1) {
    x /= 1000;
    u++;
  }
  return `${x < 10 ? x.toFixed(1) : Math.round(x)} ${units[u]}`;
}
