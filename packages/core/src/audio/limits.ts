import { AudioDecodeError } from '../errors.js';

export function checkDuration(name: string, frames: number, sampleRate: number, maxDurationSec: number): void {
  if (frames / sampleRate > maxDurationSec) {
    throw new AudioDecodeError(
      name,
      `${(frames / sampleRate).toFixed(0)} s of audio is over the limit of ${maxDurationSec} s; raise maxDurationSec or read it with openAudioStream`,
    );
  }
}
