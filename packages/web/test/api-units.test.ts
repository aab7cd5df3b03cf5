/**
 * The server's guards one by one, in-process: client keys, the token bucket, the inference gate, the zip reader
 * and file names. The end-to-end behaviour through `next start` is in api.test.ts.
 */
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { addressKey, clientAddress } from '../lib/server/client-address';
import { HttpError } from '../lib/server/errors';
import { RateLimiter } from '../lib/server/rate-limit';
import { InferenceGate, runBounded } from '../lib/server/timeout';
import { cleanFileName } from '../lib/server/upload';
import { readZip } from '../lib/server/zip';
import { forgeDeclaredSize } from './helpers/server-fixtures';

describe('client addresses', () => {
  it('keys IPv4 as is, unwraps IPv4-mapped IPv6, and keys IPv6 by its /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::1')).toBe(addressKey('2001:db8:1:2:ffff::9'));
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });

  it('believes X-Forwarded-For only behind a trusted proxy, and then only its last entry', () => {
    const req = new Request('http://x/', { headers: { 'x-forwarded-for': '6.6.6.6, 198.51.100.4', 'x-ser-client-address': '127.0.0.1' } });
    expect(clientAddress(req, false)).toBe('127.0.0.1');
    expect(clientAddress(req, true)).toBe('198.51.100.4');
  });
});

describe('RateLimiter', () => {
  it('allows a burst, then `rate` per second, and says when to come back', () => {
    const rl = new RateLimiter(5, 20);
    for (let i = 0; i < 20; i++) expect(rl.take('a', 0).ok).toBe(true);
    const no = rl.take('a', 0);
    expect(no).toEqual({ ok: false, retryAfterSec: 1 });
    expect(rl.take('b', 0).ok).toBe(true); // another client, another bucket
    expect(rl.take('a', 199).ok).toBe(false);
    expect(rl.take('a', 400).ok).toBe(true); // 0.4 s at 5/s refilled one token (after the refused one)
  });

  it('keeps at most maxClients buckets, dropping the least recently seen', () => {
    const rl = new RateLimiter(1, 5, 100);
    for (let i = 0; i < 1000; i++) rl.take(`client-${i}`, i);
    expect(rl.size).toBeLessThanOrEqual(101);
  });
});

describe('InferenceGate', () => {
  const never = Date.now() + 60_000;

  it('runs `concurrency` at once and hands slots on in arrival order', async () => {
    const gate = new InferenceGate(2, 10);
    const order: number[] = [];
    const a = await gate.acquire(never);
    const b = await gate.acquire(never);
    const c = gate.acquire(never).then((release) => (order.push(3), release));
    const d = gate.acquire(never).then((release) => (order.push(4), release));
    expect([gate.running, gate.waiting]).toEqual([2, 2]);
    a();
    (await c)();
    b();
    (await d)();
    expect(order).toEqual([3, 4]);
    expect([gate.running, gate.waiting]).toEqual([0, 0]);
  });

  it('answers 503 with Retry-After when the queue is full or the deadline passes while waiting', async () => {
    const gate = new InferenceGate(1, 1);
    const held = await gate.acquire(never);
    const waiting = gate.acquire(Date.now() + 30);
    await expect(gate.acquire(never)).rejects.toMatchObject({ status: 503, headers: { 'Retry-After': '2' } });
    await expect(waiting).rejects.toMatchObject({ status: 503 });
    expect(gate.waiting).toBe(0);
    held();
    expect(gate.running).toBe(0);
  });

  it('answers 504 when work outlives the timeout, and keeps its slot until the work really ends', async () => {
    const gate = new InferenceGate(1, 1);
    let finish!: () => void;
    const work = new Promise<void>((r) => (finish = r));
    await expect(runBounded(() => work, { timeoutMs: 20, gate })).rejects.toMatchObject({ status: 504 });
    expect(gate.running).toBe(1);
    finish();
    await work;
    await new Promise((r) => setTimeout(r, 0));
    expect(gate.running).toBe(0);
  });
});

describe('readZip', () => {
  const lim = { maxFiles: 5, maxEntries: 20, maxFileBytes: 1000, maxTotalBytes: 3000 };

  it('lists file members in order, skipping folders and macOS metadata, stored or deflated', () => {
    const z = zipSync({ 'a/': {}, 'a/x.wav': strToU8('x'.repeat(500)), '__MACOSX/a/._x.wav': strToU8('meta'), 'y.wav': [strToU8('yy'), { level: 0 }], '.DS_Store': strToU8('') });
    const members = readZip(z, lim);
    expect(members.map((m) => m.name)).toEqual(['a/x.wav', 'y.wav']);
    expect(new TextDecoder().decode((members[0] as { bytes: Uint8Array }).bytes)).toBe('x'.repeat(500));
  });

  it('gives a member over the per-file limit, or a corrupt one, an error of its own', () => {
    const z = zipSync({ 'big.wav': strToU8('b'.repeat(1500)), 'ok.wav': strToU8('ok') });
    const [big, ok] = readZip(z, lim);
    expect(big).toMatchObject({ name: 'big.wav', error: expect.stringMatching(/over the limit of/) });
    expect(ok).toHaveProperty('bytes');
    const flipped = zipSync({ 'a.wav': [strToU8('abcdef'), { level: 0 }] });
    flipped[flipped.indexOf(0x62)] = 0x7a; // the stored "b" (the name has none): the checksum no longer matches
    expect(readZip(flipped, lim)[0]).toMatchObject({ error: expect.stringMatching(/checksum mismatch/) });
  });

  it('refuses the whole zip when it declares too much, has too many members, or inflates past what it declares', () => {
    const many = zipSync(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`${i}.wav`, strToU8('x')])));
    expect(() => readZip(many, lim)).toThrow(/6 files; at most 5/);
    const entries = zipSync(Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`d${i}/`, {}])));
    expect(() => readZip(entries, lim)).toThrow(/21 members; at most 20/);
    const declared = zipSync({ 'a.wav': strToU8('a'.repeat(900)), 'b.wav': strToU8('b'.repeat(900)), 'c.wav': strToU8('c'.repeat(900)), 'd.wav': strToU8('d'.repeat(900)) });
    expect(() => readZip(declared, lim)).toThrow(/inflates to .* over the limit/);
    const forged = forgeDeclaredSize(zipSync({ 'a.wav': new Uint8Array(800) }), 10);
    try {
      readZip(forged, lim);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(HttpError);
      expect((err as HttpError).status).toBe(422);
      expect((err as HttpError).message).toMatch(/forged/);
    }
  });

  it('says a file that is not a zip is corrupt', () => {
    expect(() => readZip(strToU8('PK\x03\x04 and nothing else'), lim)).toThrow(/zip is corrupt/);
  });
});

describe('cleanFileName', () => {
  it('keeps the last path part, printable, and never an empty or dot name', () => {
    expect(cleanFileName('C:\\Users\\me\\clip.wav')).toBe('clip.wav');
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('a\u0000b\nc.wav')).toBe('abc.wav');
    expect(cleanFileName('..')).toBe('upload');
    expect(cleanFileName('')).toBe('upload');
    expect(cleanFileName(null)).toBe('upload');
    expect(cleanFileName('x'.repeat(500))).toHaveLength(200);
  });
});
