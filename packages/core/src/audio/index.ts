export { loadAudio, type LoadAudioOptions, type LoadedAudio } from './load.js';
export { openAudioStream, type AudioStream, type AudioStreamInfo, type AudioStreamOptions, type AudioBlock } from './stream.js';
export { decodeSource, detectFormat } from './decode.js';
export { bytesSource, fileSource, type ByteSource } from './byte-source.js';
export { sniffFormat, type SniffResult } from './sniff.js';
export { mixToMono } from './mix.js';
export { resample, Resampler, type ResamplerOptions } from './resample.js';
export type { AudioFormat, DecodedAudio, DecodeLimits } from './types.js';
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_DURATION_SEC, MAX_CHANNELS, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE } from './types.js';
