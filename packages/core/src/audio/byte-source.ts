import { open, type FileHandle } from 'node:fs/promises';

/**
 * Random access to the bytes of a file or a buffer, so that one parser serves both whole-file decoding and the
 * streaming reader without ever reading more than it needs.
 */
export interface ByteSource {
  readonly name: string;
  readonly size: number;
  /** Reads up to `length` bytes at `offset`; fewer at the end of the source, never past it. */
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

export function bytesSource(bytes: Uint8Array, name: string): ByteSource {
  return {
    name,
    size: bytes.byteLength,
    read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.byteLength, offset + length)),
    close: async () => {},
  };
}

export async function fileSource(path: string): Promise<ByteSource> {
  const handle: FileHandle = await open(path, 'r');
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
    return {
      name: path,
      size: stat.size,
      async read(offset, length) {
        const n = Math.max(0, Math.min(length, stat.size - offset));
        const buf = new Uint8Array(n);
        let done = 0;
        while (done < n) {
          const { bytesRead } = await handle.read(buf, done, n - done, offset + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return done === n ? buf : buf.subarray(0, done);
      },
      close: () => handle.close(),
    };
  } catch (err) {
    await handle.close();
    throw err;
  }
}
