/** What the browser lists, and the expected emotion read from corpus file names. */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedEmotion } from '../../src/ui/expected-label.js';
import { AUDIO_EXTENSIONS, FolderError, filterEntries, formatBytes, isAudioFileName, listFolder } from '../../src/ui/files.js';

describe('isAudioFileName', () => {
  it('knows every extension of the issue, in any case', () => {
    for (const ext of ['.wav', '.wave', '.aif', '.aiff', '.flac', '.mp3', '.ogg', '.oga', '.opus']) {
      expect(isAudioFileName(`a${ext}`)).toBe(true);
      expect(isAudioFileName(`a${ext.toUpperCase()}`)).toBe(true);
    }
    expect(AUDIO_EXTENSIONS).toHaveLength(9);
    expect(isAudioFileName('notes.txt')).toBe(false);
    expect(isAudioFileName('wav')).toBe(false);
  });
});

describe('listFolder', () => {
  it('lists "..", folders, then audio files by name; skips hidden, other files and dangling links; follows links', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ser-files-'));
    mkdirSync(join(root, 'b-dir'));
    mkdirSync(join(root, 'a-dir'));
    mkdirSync(join(root, '.git'));
    writeFileSync(join(root, 'clip10.wav'), 'x');
    writeFileSync(join(root, 'clip9.wav'), 'xx');
    writeFileSync(join(root, 'readme.md'), 'x');
    writeFileSync(join(root, '.hidden.wav'), 'x');
    symlinkSync(join(root, 'clip9.wav'), join(root, 'link.flac'));
    symlinkSync(join(root, 'gone.wav'), join(root, 'dangling.wav'));
    const entries = await listFolder(root);
    expect(entries.map((e) => `${e.kind}:${e.name}`)).toEqual([
      'parent:..',
      'dir:a-dir',
      'dir:b-dir',
      'audio:clip9.wav',
      'audio:clip10.wav',
      'audio:link.flac',
    ]);
    expect(entries.find((e) => e.name === 'clip9.wav')?.size).toBe(2);
  });

  it('has no ".." at the root', async () => {
    expect((await listFolder('/')).some((e) => e.kind === 'parent')).toBe(false);
  });

  it('says in one line what is wrong with a folder it cannot list', async () => {
    const err = await listFolder('/no/such/folder').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FolderError);
    expect((err as Error).message).toBe('/no/such/folder: no such folder; check the path');
    const file = join(mkdtempSync(join(tmpdir(), 'ser-files-')), 'a.wav');
    writeFileSync(file, 'x');
    expect(((await listFolder(file).catch((e: unknown) => e)) as Error).message).toBe(`${file}: not a folder; name a folder of audio files`);
  });
});

describe('filterEntries', () => {
  it('keeps names containing the filter (any case) and always ".."', () => {
    const entries = [
      { name: '..', path: '/', kind: 'parent' as const },
      { name: 'Alpha.wav', path: '/Alpha.wav', kind: 'audio' as const },
      { name: 'beta.wav', path: '/beta.wav', kind: 'audio' as const },
    ];
    expect(filterEntries(entries, 'ALP').map((e) => e.name)).toEqual(['..', 'Alpha.wav']);
    expect(filterEntries(entries, '  ')).toHaveLength(3);
  });

  it('formats sizes briefly', () => {
    expect([formatBytes(999), formatBytes(61_234), formatBytes(3_400_000)]).toEqual(['999 B', '61 kB', '3.4 MB']);
  });
});

describe('expectedEmotion', () => {
  it('reads the emotion of corpus file names and claims nothing for other names', () => {
    expect(expectedEmotion('/data/emodb/wav/03a01Fa.wav')).toBe('happy');
    expect(expectedEmotion('/x/03a01Wa.wav')).toBe('angry');
    expect(expectedEmotion('/x/03-01-05-01-01-01-12.wav')).toBe('angry');
    expect(expectedEmotion('/x/hello.wav')).toBeUndefined();
    expect(expectedEmotion('/x/03a01Xa.wav')).toBeUndefined(); // EMO-DB shape, unknown emotion letter
  });
});
