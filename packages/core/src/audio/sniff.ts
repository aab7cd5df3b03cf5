import type { AudioFormat } from './types.js';

export type SniffResult =
  | { kind: 'supported'; format: AudioFormat; offset: number }
  | { kind: 'unsupported'; name: string }
  | { kind: 'unknown' };

function ascii(b: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = at; i < at + n && i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** The byte length of an ID3v2 tag at the start, or 0. MP3 and some FLAC files begin with one. */
export function id3Length(b: Uint8Array): number {
  if (ascii(b, 0, 3) !== 'ID3' || b.length < 10) return 0;
  const size = ((b[6]! & 0x7f) << 21) | ((b[7]! & 0x7f) << 14) | ((b[8]! & 0x7f) << 7) | (b[9]! & 0x7f);
  const footer = b[5]! & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

const MP3_BITRATES_V1_L3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MP3_BITRATES_V2_L3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const MP3_RATES = [44100, 48000, 32000];

/** Length of the MPEG-1/2/2.5 Layer III frame whose header starts at `at`, or 0 if none does. */
function mp3FrameLength(b: Uint8Array, at: number): number {
  if (at + 4 > b.length || b[at] !== 0xff || (b[at + 1]! & 0xe0) !== 0xe0) return 0;
  const version = (b[at + 1]! >> 3) & 3; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5, 1 reserved
  const layer = (b[at + 1]! >> 1) & 3; // 1 = Layer III
  const bitrateIndex = b[at + 2]! >> 4;
  const rateIndex = (b[at + 2]! >> 2) & 3;
  const padding = (b[at + 2]! >> 1) & 1;
  if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return 0;
  const kbps = (version === 3 ? MP3_BITRATES_V1_L3 : MP3_BITRATES_V2_L3)[bitrateIndex]!;
  const rate = MP3_RATES[rateIndex]! / (version === 3 ? 1 : version === 2 ? 2 : 4);
  return Math.floor(((version === 3 ? 144 : 72) * kbps * 1000) / rate) + padding;
}

/**
 * Detects the container from magic bytes, never from a file name: one corpus ships AIFF-C files named `.wav`.
 * `b` needs the first 64 KiB or so of the file (more only when an ID3 tag precedes the audio).
 */
export function sniffFormat(b: Uint8Array): SniffResult {
  const riff = ascii(b, 0, 4);
  if ((riff === 'RIFF' || riff === 'RIFX' || riff === 'RF64' || riff === 'BW64') && ascii(b, 8, 4) === 'WAVE') {
    return { kind: 'supported', format: 'wav', offset: 0 };
  }
  if (riff === 'FORM' && (ascii(b, 8, 4) === 'AIFF' || ascii(b, 8, 4) === 'AIFC')) {
    return { kind: 'supported', format: 'aiff', offset: 0 };
  }
  if (riff === 'OggS') {
    // The first page carries the codec's identification header at byte 27 + number of lacing values.
    const head = 27 + (b[26] ?? 0);
    if (ascii(b, head, 7) === '\x01vorbis') return { kind: 'supported', format: 'ogg-vorbis', offset: 0 };
    if (ascii(b, head, 8) === 'OpusHead') return { kind: 'supported', format: 'ogg-opus', offset: 0 };
    if (ascii(b, head, 5) === '\x7fFLAC') return { kind: 'unsupported', name: 'FLAC inside Ogg' };
    if (ascii(b, head, 8) === 'Speex   ') return { kind: 'unsupported', name: 'Ogg Speex' };
    return { kind: 'unsupported', name: 'an Ogg stream with an unknown codec' };
  }
  const skip = id3Length(b);
  if (ascii(b, skip, 4) === 'fLaC') return { kind: 'supported', format: 'flac', offset: skip };
  const first = mp3FrameLength(b, skip);
  if (first > 0) {
    // Demand a second frame header right after the first: one header alone matches random bytes far too often.
    // A file too short to hold a second frame passes only behind an ID3 tag.
    const next = skip + first;
    if (next + 4 <= b.length ? mp3FrameLength(b, next) > 0 : skip > 0) return { kind: 'supported', format: 'mp3', offset: skip };
  }
  if (b[skip] === 0xff && (b[skip + 1]! & 0xf6) === 0xf0) return { kind: 'unsupported', name: 'AAC (ADTS)' };
  if (ascii(b, 4, 4) === 'ftyp') return { kind: 'unsupported', name: 'MP4/M4A' };
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return { kind: 'unsupported', name: 'WebM/Matroska' };
  if (riff === 'caff') return { kind: 'unsupported', name: 'Core Audio (CAF)' };
  if (riff === 'wvpk') return { kind: 'unsupported', name: 'WavPack' };
  if (ascii(b, 0, 2) === '#!' && ascii(b, 2, 4) === 'AMR') return { kind: 'unsupported', name: 'AMR' };
  if (ascii(b, 0, 4) === '.snd') return { kind: 'unsupported', name: 'Sun/NeXT .au' };
  if (riff === 'RIFF' && b.length >= 12) return { kind: 'unsupported', name: `a RIFF file of type "${ascii(b, 8, 4)}" (not WAVE)` };
  return { kind: 'unknown' };
}
