/**
 * One training checkpoint per file, written atomically (temp file + rename): a crash leaves the previous checkpoint
 * whole. Layout: "SERC" magic, format version, JSON length (uint32 LE each), the JSON state, zero padding to 4 bytes,
 * then every tensor's values as little-endian float32, in the order the JSON lists them.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TrainingError } from '../classifier.js';

const MAGIC = 0x43524553; // "SERC"
const VERSION = 1;

export interface StoredTensor {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Float32Array;
}

export interface CheckpointFile<S> {
  state: S;
  /** Named groups of tensors, e.g. weights, optimizer, best. */
  groups: Record<string, StoredTensor[]>;
}

interface Header<S> {
  state: S;
  groups: Record<string, { name: string; shape: number[]; dtype: 'float32' | 'int32'; length: number }[]>;
}

export const CHECKPOINT_FILE = 'checkpoint.serc';

export function checkpointPath(dir: string): string {
  return join(dir, CHECKPOINT_FILE);
}

export async function writeCheckpoint<S>(dir: string, file: CheckpointFile<S>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const header: Header<S> = { state: file.state, groups: {} };
  let floats = 0;
  for (const [group, tensors] of Object.entries(file.groups)) {
    header.groups[group] = tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype, length: t.values.length }));
    for (const t of tensors) floats += t.values.length;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const start = 12 + json.length + ((4 - (json.length % 4)) % 4);
  const buf = Buffer.alloc(start + floats * 4);
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(VERSION, 4);
  buf.writeUInt32LE(json.length, 8);
  json.copy(buf, 12);
  let at = start;
  for (const tensors of Object.values(file.groups)) {
    for (const t of tensors) {
      Buffer.from(t.values.buffer, t.values.byteOffset, t.values.byteLength).copy(buf, at);
      at += t.values.byteLength;
    }
  }
  const target = checkpointPath(dir);
  const tmp = `${target}.${process.pid}.tmp`;
  await writeFile(tmp, buf);
  await rename(tmp, target);
}

/** The checkpoint in `dir`, or null when there is none. A damaged file is an error, not a silent restart. */
export async function readCheckpoint<S>(dir: string): Promise<CheckpointFile<S> | null> {
  const path = checkpointPath(dir);
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch {
    return null;
  }
  const bad = (why: string): never => {
    throw new TrainingError(`${path}: ${why}; delete the checkpoint folder to train from scratch`);
  };
  if (buf.length < 12 || buf.readUInt32LE(0) !== MAGIC) bad('not a ser training checkpoint');
  if (buf.readUInt32LE(4) !== VERSION) bad(`checkpoint format ${buf.readUInt32LE(4)} is not ${VERSION}`);
  const jsonLength = buf.readUInt32LE(8);
  if (12 + jsonLength > buf.length) bad('truncated header');
  let header: Header<S>;
  try {
    header = JSON.parse(buf.subarray(12, 12 + jsonLength).toString('utf8')) as Header<S>;
  } catch {
    return bad('unreadable header');
  }
  let at = 12 + jsonLength + ((4 - (jsonLength % 4)) % 4);
  const groups: Record<string, StoredTensor[]> = {};
  for (const [group, specs] of Object.entries(header.groups)) {
    groups[group] = specs.map((spec) => {
      const bytes = spec.length * 4;
      if (at + bytes > buf.length) bad('truncated tensor data');
      const values = new Float32Array(spec.length);
      new Uint8Array(values.buffer).set(buf.subarray(at, at + bytes));
      at += bytes;
      return { name: spec.name, shape: spec.shape, dtype: spec.dtype, values };
    });
  }
  return { state: header.state, groups };
}
