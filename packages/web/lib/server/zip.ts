/**
 * The members of an uploaded zip, in memory (nothing is written to disk, so member paths cannot escape anywhere).
 * A zip is read from its central directory, and everything it claims is checked before it costs anything: the
 * member count, each member's declared size, and their sum. Members are then inflated in small steps with the
 * declared size as a hard ceiling: a member that inflates past what it declared is a forged (bomb) zip, and the
 * whole request is refused. Directories and macOS resource forks are skipped; anything else that cannot be read is
 * one entry with an error, and the other members still count.
 */
import { Inflate } from 'fflate';
import { HttpError, tooLarge, unprocessable } from './errors';
import { cleanFileName } from './upload';

export interface ZipLimits {
  /** Members that are files (folders do not count). */
  maxFiles: number;
  /** All members, folders included: the central directory is walked only this far. */
  maxEntries: number;
  /** One member's inflated size. */
  maxFileBytes: number;
  /** All members' inflated sizes together. */
  maxTotalBytes: number;
}

export type ZipMember = { name: string; bytes: Uint8Array } | { name: string; error: string };

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const U32_MAX = 0xffffffff;

/** Zip files start with a local header or, when empty, with the end record. */
export function looksLikeZip(b: Uint8Array): boolean {
  return b.byteLength >= 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6));
}

const corrupt = (what: string) => unprocessable(`the zip is corrupt (${what}); create it again, e.g. \`zip clips.zip *.wav\``);
const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;

interface CentralEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function findEnd(v: DataView): number {
  // The end record is 22 bytes plus a comment of at most 65535.
  const stop = Math.max(0, v.byteLength - 22 - 0xffff);
  for (let at = v.byteLength - 22; at >= stop; at--) if (v.getUint32(at, true) === SIG_EOCD) return at;
  throw corrupt('no end of central directory record');
}

function u64(v: DataView, at: number): number {
  const n = v.getUint32(at, true) + v.getUint32(at + 4, true) * 2 ** 32;
  if (!Number.isSafeInteger(n)) throw corrupt('a size beyond 2^53');
  return n;
}

/** Entry count, directory size and offset, from the end record or its zip64 version. */
function directoryBounds(v: DataView): { count: number; offset: number; size: number } {
  const end = findEnd(v);
  let count = v.getUint16(end + 10, true);
  let size = v.getUint32(end + 12, true);
  let offset = v.getUint32(end + 16, true);
  if (count === 0xffff || size === U32_MAX || offset === U32_MAX) {
    const locator = end - 20;
    if (locator < 0 || v.getUint32(locator, true) !== SIG_EOCD64_LOCATOR) throw corrupt('zip64 end record missing');
    const rec = u64(v, locator + 8);
    if (rec + 56 > v.byteLength || v.getUint32(rec, true) !== SIG_EOCD64) throw corrupt('zip64 end record out of place');
    count = u64(v, rec + 32);
    size = u64(v, rec + 40);
    offset = u64(v, rec + 48);
  }
  if (offset + size > v.byteLength) throw corrupt('the central directory lies beyond the end of the file');
  return { count, offset, size };
}

const utf8 = new TextDecoder('utf-8');

function readCentral(v: DataView, bytes: Uint8Array, at: number): { entry: CentralEntry; next: number } {
  if (at + 46 > v.byteLength || v.getUint32(at, true) !== SIG_CENTRAL) throw corrupt('a central directory entry is damaged');
  const nameLen = v.getUint16(at + 28, true);
  const extraLen = v.getUint16(at + 30, true);
  const commentLen = v.getUint16(at + 32, true);
  const next = at + 46 + nameLen + extraLen + commentLen;
  if (next > v.byteLength) throw corrupt('a central directory entry runs past the end');
  const entry: CentralEntry = {
    name: utf8.decode(bytes.subarray(at + 46, at + 46 + nameLen)),
    flags: v.getUint16(at + 8, true),
    method: v.getUint16(at + 10, true),
    crc: v.getUint32(at + 16, true),
    compressedSize: v.getUint32(at + 20, true),
    size: v.getUint32(at + 24, true),
    localOffset: v.getUint32(at + 42, true),
  };
  // Zip64: the extra field holds, in this order, whichever of the three values are 0xffffffff above.
  for (let e = at + 46 + nameLen; e + 4 <= at + 46 + nameLen + extraLen; ) {
    const id = v.getUint16(e, true);
    const len = v.getUint16(e + 2, true);
    if (id === 0x0001) {
      let p = e + 4;
      const take = () => {
        if (p + 8 > e + 4 + len) throw corrupt('a zip64 field is too short');
        const n = u64(v, p);
        p += 8;
        return n;
      };
      if (entry.size === U32_MAX) entry.size = take();
      if (entry.compressedSize === U32_MAX) entry.compressedSize = take();
      if (entry.localOffset === U32_MAX) entry.localOffset = take();
    }
    e += 4 + len;
  }
  return { entry, next };
}

/** Where a member's compressed bytes start (after its local header, whose name and extra lengths may differ). */
function dataStart(v: DataView, e: CentralEntry): number {
  const at = e.localOffset;
  if (at + 30 > v.byteLength || v.getUint32(at, true) !== SIG_LOCAL) throw corrupt(`the local header of ${JSON.stringify(e.name)} is missing`);
  return at + 30 + v.getUint16(at + 26, true) + v.getUint16(at + 28, true);
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < b.byteLength; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Input step for inflating: deflate expands at most ~1032:1, so one step overshoots the ceiling by ~8 MB at most. */
const INFLATE_STEP = 8 * 1024;

/** Inflates raw deflate data into exactly `size` bytes; more is a forged member (throws 422), less is corrupt. */
function inflateExactly(data: Uint8Array, size: number, name: string): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    if (at + chunk.byteLength > size) {
      throw unprocessable(`the zip is forged: ${JSON.stringify(name)} inflates to more than the ${size} bytes it declares (a zip bomb?); nothing was analysed`);
    }
    out.set(chunk, at);
    at += chunk.byteLength;
    if (final) ended = true;
  });
  for (let p = 0; p < data.byteLength; p += INFLATE_STEP) inflater.push(data.subarray(p, p + INFLATE_STEP), p + INFLATE_STEP >= data.byteLength);
  if (data.byteLength === 0) inflater.push(new Uint8Array(0), true);
  if (!ended || at !== size) throw new Error(`inflates to ${at} bytes, not the ${size} it declares`);
  return out;
}

/** macOS adds these to every zip it makes; they are metadata, not recordings. */
const isJunk = (name: string) => name.startsWith('__MACOSX/') || /(^|\/)\._[^/]*$/.test(name) || /(^|\/)\.DS_Store$/.test(name);

/**
 * The file members of a zip, in directory order. 413 when it has too many members or inflates beyond the total
 * limit (from the declared sizes, before inflating anything); 422 when it is corrupt or forged.
 */
export function readZip(bytes: Uint8Array, lim: ZipLimits): ZipMember[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { count, offset } = directoryBounds(v);
  if (count > lim.maxEntries) throw tooLarge(`the zip has ${count} members; at most ${lim.maxEntries} (of which ${lim.maxFiles} files) are accepted`);

  const entries: CentralEntry[] = [];
  for (let i = 0, at = offset; i < count; i++) {
    const { entry, next } = readCentral(v, bytes, at);
    at = next;
    if (entry.name.endsWith('/') || isJunk(entry.name)) continue;
    entries.push(entry);
  }
  if (entries.length === 0) throw unprocessable('the zip holds no files; put the recordings in it, e.g. `zip clips.zip *.wav`');
  if (entries.length > lim.maxFiles) throw tooLarge(`the zip holds ${entries.length} files; at most ${lim.maxFiles} are accepted per batch`);
  const declared = entries.reduce((sum, e) => sum + e.size, 0);
  if (declared > lim.maxTotalBytes) {
    throw tooLarge(`the zip inflates to ${mb(declared)}, over the limit of ${mb(lim.maxTotalBytes)} per batch; send fewer or shorter recordings`);
  }

  return entries.map((e): ZipMember => {
    // Inner folders name the file too: "happy/a.wav" and "sad/a.wav" are different rows.
    const name = e.name.split(/[\\/]/).map((part) => cleanFileName(part, '_')).join('/');
    if (e.flags & 1) return { name, error: `${name}: the member is encrypted; zip it without a password` };
    if (e.size > lim.maxFileBytes) return { name, error: `${name}: ${mb(e.size)} is over the limit of ${mb(lim.maxFileBytes)} per file` };
    if (e.method !== 0 && e.method !== 8) return { name, error: `${name}: compression method ${e.method} is not supported; zip it with deflate (the default)` };
    const start = dataStart(v, e);
    if (start + e.compressedSize > bytes.byteLength) return { name, error: `${name}: the member is truncated (the zip ends inside it)` };
    const data = bytes.subarray(start, start + e.compressedSize);
    let content: Uint8Array;
    if (e.method === 0) {
      if (e.compressedSize !== e.size) return { name, error: `${name}: stored member of ${e.compressedSize} bytes declares ${e.size}; the zip is corrupt` };
      content = data;
    } else {
      try {
        content = inflateExactly(data, e.size, name);
      } catch (err) {
        if (err instanceof HttpError) throw err;
        return { name, error: `${name}: corrupt compressed data (${err instanceof Error ? err.message : String(err)})` };
      }
    }
    if (crc32(content) !== e.crc) return { name, error: `${name}: checksum mismatch: the member is corrupt` };
    return { name, bytes: content };
  });
}
