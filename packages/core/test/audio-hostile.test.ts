import { afterAll, describe, expect, it } from 'vitest';
import { AudioDecodeError, loadAudio, type LoadedAudio } from '../src/index.js';
import { createRng } from '../src/random.js';
import { ascii, concat, encodeSamples, extended, fmtChunk, makeAiff, makeWav, riff, sine } from './helpers/wav-builder.js';
import { hasTool, opusEncode, scratchDir, soxConvert } from './helpers/tools.js';

const pcm16 = encodeSamples([sine(440, 16000, 0.05)], 'int16');
const fmt16 = fmtChunk({ tag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16 });
const withFmt = (f: Parameters<typeof fmtChunk>[0], data = pcm16) => riff([fmtChunk(f), { id: 'data', body: data }]);

function aiffWithComm(channels: number, frames: number, bits: number, rate: Uint8Array): Uint8Array {
  const comm = new Uint8Array(18);
  const v = new DataView(comm.buffer);
  v.setUint16(0, channels);
  v.setUint32(2, frames);
  v.setUint16(6, bits);
  comm.set(rate, 8);
  const ssnd = concat(new Uint8Array(8), new Uint8Array(200));
  const body = concat(ascii('COMM'), new Uint8Array([0, 0, 0, 18]), comm, ascii('SSND'), new Uint8Array([0, 0, 0, 208]), ssnd);
  return concat(ascii('FORM'), new Uint8Array([0, 0, 0, 0]), ascii('AIFF'), body);
}

function floatData(bad: number, enc: 'float32' | 'float64'): Uint8Array {
  const x = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i));
  const bytes = encodeSamples([x], enc);
  const v = new DataView(bytes.buffer);
  if (enc === 'float32') v.setFloat32(40 * 4, bad, true);
  else v.setFloat64(40 * 8, bad, true);
  return bytes;
}

const rng = createRng(20261125);
const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => rng.int(256));
const nanRate = new Uint8Array([0x7f, 0xff, 0xc0, 0, 0, 0, 0, 0, 0, 0]);

/** Each of these must be refused with an AudioDecodeError whose reason matches. */
const HOSTILE: [string, Uint8Array, RegExp][] = [
  ['empty file', new Uint8Array(0), /empty file/],
  ['one byte', new Uint8Array([0x52]), /not an audio file/],
  ['RIFF magic only', ascii('RIFF'), /not an audio file/],
  ['RIFF/WAVE header with no chunks', riff([]), /no fmt chunk/],
  ['fmt chunk cut short by the end of file', riff([fmt16]).subarray(0, 24), /truncated/],
  ['fmt chunk of 8 bytes', riff([{ id: 'fmt ', body: new Uint8Array(8) }, { id: 'data', body: pcm16 }]), /at least 16/],
  ['zero channels', withFmt({ tag: 1, channels: 0, sampleRate: 16000, bitsPerSample: 16, blockAlign: 2 }), /zero channels/],
  ['sample rate 0', withFmt({ tag: 1, channels: 1, sampleRate: 0, bitsPerSample: 16 }), /sample rate of 0 Hz/],
  ['sample rate 4 GHz', withFmt({ tag: 1, channels: 1, sampleRate: 4_000_000_000, bitsPerSample: 16 }), /sample rate of 4000000000 Hz/],
  ['sample rate 7 Hz', withFmt({ tag: 1, channels: 1, sampleRate: 7, bitsPerSample: 16 }), /sample rate of 7 Hz/],
  ['60000 channels', withFmt({ tag: 1, channels: 60000, sampleRate: 16000, bitsPerSample: 16, blockAlign: 2 }), /60000 channels/],
  ['0 bits per sample', withFmt({ tag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 0, blockAlign: 2 }), /bit depth 0/],
  ['48-bit PCM', withFmt({ tag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 48 }), /bit depth 48/],
  ['16-bit float', withFmt({ tag: 3, channels: 1, sampleRate: 16000, bitsPerSample: 16 }), /float bit depth 16/],
  ['MP3 inside WAV', withFmt({ tag: 0x55, channels: 1, sampleRate: 16000, bitsPerSample: 16 }), /codec 0x0055 \(MPEG Layer 3\)/],
  ['IMA ADPCM', withFmt({ tag: 0x11, channels: 1, sampleRate: 16000, bitsPerSample: 4, blockAlign: 256 }), /IMA ADPCM/],
  ['unknown codec 0x1234', withFmt({ tag: 0x1234, channels: 1, sampleRate: 16000, bitsPerSample: 16 }), /0x1234 \(an unknown codec\)/],
  ['extensible with an unknown GUID', withFmt({ tag: 0, channels: 1, sampleRate: 16000, bitsPerSample: 16, extensible: { subTag: 1, guidTail: Array(14).fill(7) } }), /sub-format GUID/],
  ['extensible with an 18-byte fmt', riff([{ id: 'fmt ', body: concat(fmtChunk({ tag: 0xfffe, channels: 1, sampleRate: 16000, bitsPerSample: 16 }).body, new Uint8Array(2)) }, { id: 'data', body: pcm16 }]), /shorter than 40/],
  ['block align that fits no layout', withFmt({ tag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16, blockAlign: 7 }), /block align 7/],
  ['data before fmt', riff([{ id: 'data', body: pcm16 }, fmt16]), /before any fmt/],
  ['fmt but no data chunk', riff([fmt16, { id: 'LIST', body: new Uint8Array(10) }]), /no data chunk/],
  ['empty data chunk', riff([fmt16, { id: 'data', body: new Uint8Array(0) }, { id: 'LIST', body: new Uint8Array(4) }]), /no audio frames/],
  ['one stray byte of 16-bit data', riff([fmt16, { id: 'data', body: new Uint8Array(1) }]), /no audio frames/],
  ['NaN in float32 data', withFmt({ tag: 3, channels: 1, sampleRate: 16000, bitsPerSample: 32 }, floatData(NaN, 'float32')), /non-finite float sample .* frame 40/],
  ['+Inf in float64 data', withFmt({ tag: 3, channels: 1, sampleRate: 16000, bitsPerSample: 64 }, floatData(Infinity, 'float64')), /non-finite/],
  ['-Inf in float32 data', withFmt({ tag: 3, channels: 1, sampleRate: 16000, bitsPerSample: 32 }, floatData(-Infinity, 'float32')), /non-finite/],
  ['fmt chunk claiming 1 GB', riff([{ id: 'fmt ', body: new Uint8Array(16), claimedSize: 1 << 30 }]), /fmt chunk claims/],
  ['binary garbage where a chunk id belongs', concat(riff([fmt16]), new Uint8Array([0, 1, 2, 3, 8, 0, 0, 0]), new Uint8Array(8)), /not a chunk id/],
  ['5000 tiny chunks before data', riff([fmt16, ...Array.from({ length: 5000 }, () => ({ id: 'junk', body: new Uint8Array(0) })), { id: 'data', body: pcm16 }]), /more than 4096 chunks/],
  ['random bytes', randomBytes(4096), /not an audio file/],
  ['random bytes behind a RIFF/WAVE header', concat(ascii('RIFF'), new Uint8Array([0, 16, 0, 0]), ascii('WAVE'), randomBytes(4084)), /chunk|truncated|fmt/],
  ['AIFF without COMM', concat(ascii('FORM'), new Uint8Array(4), ascii('AIFF'), ascii('SSND'), new Uint8Array([0, 0, 0, 8]), new Uint8Array(8)), /no COMM chunk/],
  ['AIFF without SSND', concat(ascii('FORM'), new Uint8Array(4), ascii('AIFF'), ascii('COMM'), new Uint8Array([0, 0, 0, 18]), new Uint8Array(18)), /zero channels|no SSND/],
  ['AIFF with a NaN sample rate', aiffWithComm(1, 100, 16, nanRate), /non-integer sample rate/],
  ['AIFF with sample rate 0', aiffWithComm(1, 100, 16, extended(0)), /sample rate of 0 Hz/],
  ['AIFF with a fractional rate 16000.5', aiffWithComm(1, 100, 16, extended(16000.5)), /non-integer sample rate/],
  ['AIFF with 0-bit samples', aiffWithComm(1, 100, 0, extended(16000)), /bit depth 0/],
  ['AIFF-C with ADPCM', makeAiff([sine(440, 16000, 0.01)], 16000, { aifc: 'ima4' }), /compression "ima4"/],
  ['FLAC magic then garbage', concat(ascii('fLaC'), randomBytes(2000)), /flac/],
  ['Ogg with an unknown codec', concat(ascii('OggS'), new Uint8Array(22), new Uint8Array([1, 30]), ascii('\x80theora'), new Uint8Array(40)), /unsupported format: an Ogg stream/],
  ['Ogg Vorbis header then garbage', concat(ascii('OggS'), new Uint8Array(22), new Uint8Array([1, 30]), ascii('\x01vorbis'), randomBytes(3000)), /ogg-vorbis|no audio/],
  ['MP4/M4A', concat(new Uint8Array([0, 0, 0, 32]), ascii('ftypM4A '), new Uint8Array(100)), /unsupported format: MP4\/M4A/],
  ['a text file', ascii('hello, this is not audio at all\n'.repeat(10)), /not an audio file/],
  ['a PNG image', concat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(500)), /not an audio file/],
  ['an ID3 tag that claims 200 MB and nothing else', concat(ascii('ID3'), new Uint8Array([4, 0, 0, 0x7f, 0x7f, 0x7f, 0x7f])), /not an audio file/],
];

describe('hostile input is refused with AudioDecodeError', () => {
  it('has at least 30 distinct hostile inputs', () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(30);
  });
  for (const [what, bytes, reason] of HOSTILE) {
    it(what, async () => {
      const err = await loadAudio(bytes, { name: 'hostile.wav' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, 'decoding should have failed').toBeInstanceOf(AudioDecodeError);
      expect((err as AudioDecodeError).message.startsWith('hostile.wav: ')).toBe(true);
      expect((err as AudioDecodeError).reason).toMatch(reason);
    });
  }

  it('refuses audio over the duration limit before allocating it', async () => {
    const file = riff([fmt16, { id: 'data', body: new Uint8Array(16000 * 2 * 3) }]);
    await expect(loadAudio(file, { maxDurationSec: 2 })).rejects.toThrow(/3 s of audio is over the limit of 2 s/);
    await expect(loadAudio(file, { maxBytes: 1000 })).rejects.toThrow(/over the limit of 1000/);
  });
});

/** Mutations that find parser bugs: bit flips, boundary values in header fields, truncation, splices. */
function mutate(src: Uint8Array, r: ReturnType<typeof createRng>): Uint8Array {
  const b = new Uint8Array(src);
  const headerBias = () => (r.next() < 0.7 ? r.int(Math.min(80, b.length)) : r.int(b.length));
  switch (r.int(6)) {
    case 0: // flip a few bits
      for (let k = 1 + r.int(4); k > 0; k--) b[headerBias()]! ^= 1 << r.int(8);
      return b;
    case 1: { // overwrite a 16/32-bit field with an extreme value
      const at = headerBias();
      const v = [0, 1, 0xff, 0x7f, 0x80, 0xfffe, 0xffff, 0x7fffffff, 0xffffffff][r.int(9)]!;
      for (let i = 0; i < (r.next() < 0.5 ? 2 : 4) && at + i < b.length; i++) b[at + i] = (v >>> (8 * i)) & 0xff;
      return b;
    }
    case 2: // truncate anywhere
      return b.subarray(0, r.int(b.length));
    case 3: { // delete a run of bytes
      const at = r.int(b.length);
      return concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + r.int(16))));
    }
    case 4: { // insert random bytes
      const at = headerBias();
      return concat(b.subarray(0, at), Uint8Array.from({ length: 1 + r.int(16) }, () => r.int(256)), b.subarray(at));
    }
    default: // scramble a whole region
      for (let i = headerBias(), end = Math.min(b.length, i + 64); i < end; i++) b[i] = r.int(256);
      return b;
  }
}

function checkSane(a: LoadedAudio, inputBytes: number): void {
  expect(a.samples.length).toBeGreaterThan(0);
  for (const ch of a.channelData) for (let i = 0; i < ch.length; i++) if (!Number.isFinite(ch[i]!)) throw new Error(`non-finite sample at ${i}`);
  if (a.format === 'wav' || a.format === 'aiff') expect(a.samples.length * a.channels).toBeLessThanOrEqual(inputBytes);
}

describe('seeded mutation fuzzing: every mutant decodes sanely or fails with AudioDecodeError', () => {
  const { dir, cleanup } = scratchDir();
  afterAll(cleanup);
  const stereo = [sine(440, 22050, 0.2, 0.5), sine(700, 22050, 0.2, 0.3)];
  const wav16 = makeWav(stereo, 22050, 'int16', [{ id: 'LIST', body: ascii('INFOabc') }]);
  const seeds: [string, Uint8Array, number][] = [
    ['wav int16 + LIST', wav16, 400],
    ['wav float32', makeWav(stereo, 22050, 'float32'), 300],
    ['wav 24-in-32 extensible', makeWav(stereo, 22050, 'int24in32'), 300],
    ['aiff 24-bit', makeAiff(stereo, 22050, { bits: 24 }), 300],
    ['aifc sowt', makeAiff(stereo, 22050, { aifc: 'sowt' }), 300],
  ];
  if (hasTool('sox')) {
    seeds.push(['flac', soxConvert(wav16, 'f.flac', [], dir), 150]);
    seeds.push(['ogg vorbis', soxConvert(wav16, 'f.ogg', [], dir), 150]);
    seeds.push(['mp3', soxConvert(wav16, 'f.mp3', [], dir), 150]);
  }
  if (hasTool('opusenc')) seeds.push(['opus', opusEncode(wav16, dir), 150]);

  for (const [name, valid, count] of seeds) {
    it(`${name}: ${count} mutants`, async () => {
      const r = createRng(name.length * 7919 + count);
      let refused = 0;
      for (let k = 0; k < count; k++) {
        const bytes = mutate(valid, r);
        try {
          checkSane(await loadAudio(bytes, { name: `mutant-${k}` }), bytes.length);
        } catch (err) {
          if (!(err instanceof AudioDecodeError)) throw new Error(`mutant ${k} of ${name} threw ${String(err)} instead of AudioDecodeError`);
          expect(err.message).toMatch(new RegExp(`^mutant-${k}: `));
          refused++;
        }
      }
      // Some mutants stay decodable (a flipped sample bit is still audio); many must be refused.
      expect(refused).toBeGreaterThan(count / 20);
    });
  }
});
