import { describe, expect, it } from 'vitest';
import { AudioDecodeError, loadAudio } from '../src/index.js';
import { ascii, concat, encodeSamples, fmtChunk, makeAiff, makeWav, riff, sine, type SampleEncoding } from './helpers/wav-builder.js';

const ramp = (n: number, scale = 0.9) => Float32Array.from({ length: n }, (_, i) => scale * Math.sin(i * 0.37) * ((i % 7) / 7));

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('WAV PCM decoding', () => {
  const x = ramp(1000);
  const cases: [SampleEncoding, number][] = [
    ['uint8', 1 / 128],
    ['int16', 1 / 32768],
    ['int24', 1 / 8388608],
    ['int24in32', 1 / 8388608],
    ['int32', 1e-7],
    ['float32', 0],
    ['float64', 1e-7],
  ];
  for (const [enc, quantum] of cases) {
    it(`decodes ${enc} within one quantisation step`, async () => {
      const a = await loadAudio(makeWav([x], 16000, enc));
      expect(a.format).toBe('wav');
      expect(a.sampleRate).toBe(16000);
      expect(a.channels).toBe(1);
      expect(maxAbsDiff(a.samples, x)).toBeLessThanOrEqual(quantum / 2 + 1e-7);
      expect(a.warnings).toEqual([]);
    });
  }

  it('maps integer full scale like librosa: int16 -32768 -> -1, 32767 -> 32767/32768', async () => {
    const data = new Uint8Array(4);
    new DataView(data.buffer).setInt16(0, -32768, true);
    new DataView(data.buffer).setInt16(2, 32767, true);
    const a = await loadAudio(riff([fmtChunk({ tag: 1, channels: 1, sampleRate: 8000, bitsPerSample: 16 }), { id: 'data', body: data }]));
    expect(Array.from(a.samples)).toEqual([-1, 32767 / 32768]);
  });

  it('decodes big-endian RIFX', async () => {
    const body = encodeSamples([x], 'int16', false);
    const a = await loadAudio(riff([fmtChunk({ tag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16 }, false), { id: 'data', body }], { magic: 'RIFX', le: false }));
    expect(maxAbsDiff(a.samples, x)).toBeLessThan(1 / 32768);
  });

  it('decodes RF64 with its ds64 chunk', async () => {
    const body = encodeSamples([x], 'int16');
    const ds64 = new Uint8Array(28);
    const v = new DataView(ds64.buffer);
    v.setUint32(0, 0, true);
    v.setUint32(8, body.length, true);
    v.setUint32(16, x.length, true);
    const file = riff([{ id: 'ds64', body: ds64 }, fmtChunk({ tag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16 }), { id: 'data', body, claimedSize: 0xffffffff }], { magic: 'RF64', riffSize: 0xffffffff });
    const a = await loadAudio(file);
    expect(a.samples.length).toBe(x.length);
    expect(a.warnings).toEqual([]);
  });

  it('decodes WAVE_FORMAT_EXTENSIBLE PCM and float', async () => {
    for (const [sub, bits, enc] of [[1, 16, 'int16'], [3, 32, 'float32']] as const) {
      const fmt = fmtChunk({ tag: 0, channels: 2, sampleRate: 44100, bitsPerSample: bits, extensible: { subTag: sub } });
      const a = await loadAudio(riff([fmt, { id: 'data', body: encodeSamples([x, x], enc) }]), { mono: false });
      expect(a.channels).toBe(2);
      expect(maxAbsDiff(a.channelData[1]!, x)).toBeLessThan(1 / 32768);
    }
  });

  it('decodes G.711 A-law and mu-law', async () => {
    // 0xD5 is A-law's smallest positive step and 0xFF mu-law's zero.
    for (const [tag, byte, expected] of [[6, 0xd5, 8 / 32768], [7, 0xff, 0]] as const) {
      const a = await loadAudio(riff([fmtChunk({ tag, channels: 1, sampleRate: 8000, bitsPerSample: 8 }), { id: 'data', body: new Uint8Array([byte, byte]) }]));
      expect(a.samples[0]).toBeCloseTo(expected, 7);
      expect(a.codec).toBe(tag === 6 ? 'alaw' : 'ulaw');
    }
  });

  it('keeps every channel of a 6-channel file in order and averages them for mono', async () => {
    const chans = Array.from({ length: 6 }, (_, c) => Float32Array.from({ length: 50 }, () => (c - 2.5) / 4));
    const a = await loadAudio(makeWav(chans, 48000, 'int16'), { mono: false });
    expect(a.channelData).toHaveLength(6);
    a.channelData.forEach((ch, c) => expect(ch[10]).toBeCloseTo((c - 2.5) / 4, 4));
    expect(a.samples[10]).toBeCloseTo(0, 4);
    const m = await loadAudio(makeWav(chans, 48000, 'int16'));
    expect(m.channelData).toHaveLength(1);
    expect(m.channels).toBe(6);
  });

  it('skips unknown chunks, including odd-sized ones with their pad byte', async () => {
    const extra = [
      { id: 'LIST', body: concat(ascii('INFOINAM'), new Uint8Array([5, 0, 0, 0]), ascii('hello')) },
      { id: 'fact', body: new Uint8Array(4) },
      { id: 'cue ', body: new Uint8Array(3) },
      { id: 'JUNK', body: new Uint8Array(1) },
    ];
    const a = await loadAudio(makeWav([x], 16000, 'int16', extra));
    expect(maxAbsDiff(a.samples, x)).toBeLessThan(1 / 32768);
  });

  it('reads a data chunk that claims more than the file holds to the end, with a warning', async () => {
    const body = encodeSamples([x], 'int16');
    const warnings: string[] = [];
    const file = riff([fmtChunk({ tag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16 }), { id: 'data', body, claimedSize: 0x7ffffff0 }]);
    const a = await loadAudio(file, { name: 'unfinished.wav', onWarning: (w) => warnings.push(w) });
    expect(a.samples.length).toBe(x.length);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/unfinished\.wav: the header claims 2147483632 bytes of audio but the file holds 2000/);
  });

  it('reads an unfinished header (data size 0 or 0xFFFFFFFF) to the end of the file', async () => {
    for (const claimed of [0, 0xffffffff]) {
      const body = encodeSamples([x], 'int16');
      const a = await loadAudio(riff([fmtChunk({ tag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16 }), { id: 'data', body, claimedSize: claimed }]));
      expect(a.samples.length).toBe(x.length);
      expect(a.warnings[0]).toMatch(/no data length|claims/);
    }
  });

  it('drops a trailing partial frame with a warning', async () => {
    const body = concat(encodeSamples([x, x], 'int16'), new Uint8Array(3));
    const a = await loadAudio(riff([fmtChunk({ tag: 1, channels: 2, sampleRate: 16000, bitsPerSample: 16 }), { id: 'data', body }]));
    expect(a.samples.length).toBe(x.length);
    expect(a.warnings.join()).toMatch(/3 trailing bytes/);
  });

  it('reports duration, format and bit depth', async () => {
    const a = await loadAudio(makeWav([sine(440, 22050, 1.5)], 22050, 'int24'));
    expect(a.durationSec).toBeCloseTo(1.5, 6);
    expect(a.bitsPerSample).toBe(24);
    expect(a.codec).toBe('pcm-int');
  });
});

describe('AIFF and AIFF-C decoding', () => {
  const x = ramp(777);
  for (const bits of [8, 16, 24, 32] as const) {
    it(`decodes ${bits}-bit AIFF`, async () => {
      const a = await loadAudio(makeAiff([x], 22050, { bits }));
      expect(a.format).toBe('aiff');
      expect(a.sampleRate).toBe(22050);
      expect(maxAbsDiff(a.samples, x)).toBeLessThanOrEqual(1 / 2 ** bits + 1e-7);
    });
  }
  for (const aifc of ['NONE', 'sowt', 'fl32']) {
    it(`decodes AIFF-C "${aifc}"`, async () => {
      const a = await loadAudio(makeAiff([x, x], 44100, { aifc }), { mono: false });
      expect(a.channels).toBe(2);
      expect(maxAbsDiff(a.channelData[0]!, x)).toBeLessThan(1 / 32768);
    });
  }

  it('detects AIFF-C by content even when the file is named .wav', async () => {
    const a = await loadAudio(makeAiff([x], 16000, { aifc: 'sowt' }), { name: 'looks-like.wav' });
    expect(a.format).toBe('aiff');
    expect(maxAbsDiff(a.samples, x)).toBeLessThan(1 / 32768);
  });

  it('skips chunks before COMM and decodes non-integer-looking rates like 11025 exactly', async () => {
    const a = await loadAudio(makeAiff([x], 11025, { before: [{ id: 'FVER', body: new Uint8Array(4) }, { id: 'ANNO', body: ascii('odd') }] }));
    expect(a.sampleRate).toBe(11025);
    expect(a.samples.length).toBe(x.length);
  });

  it('trusts the smaller of COMM frames and SSND bytes, warning when COMM claims more', async () => {
    const a = await loadAudio(makeAiff([x], 16000, { frames: x.length + 500 }));
    expect(a.samples.length).toBe(x.length);
    expect(a.warnings.join()).toMatch(/COMM declares 1277 frames/);
  });

  it('rejects an unsupported AIFF-C codec by name', async () => {
    await expect(loadAudio(makeAiff([x], 16000, { aifc: 'ima4' }))).rejects.toThrow(/unsupported AIFF-C compression "ima4"/);
  });
});

describe('file errors', () => {
  it('names a missing file and says what to check', async () => {
    const err = await loadAudio('/nonexistent/dir/x.wav').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AudioDecodeError);
    expect((err as AudioDecodeError).message).toBe('/nonexistent/dir/x.wav: no such file; check the path');
  });
  it('rejects a directory', async () => {
    await expect(loadAudio('/tmp')).rejects.toThrow(/not a regular file/);
  });
  it('rejects a bad target rate with a RangeError', async () => {
    await expect(loadAudio(makeWav([ramp(10)], 16000), { sampleRate: 0 })).rejects.toThrow(RangeError);
  });
});
