/**
 * The canonical emotion labels every corpus is mapped onto. The order is fixed (it is the label order models and
 * confusion matrices use), so only ever append to it.
 */
export const EMOTIONS = ['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised', 'boredom'] as const;

export type Emotion = (typeof EMOTIONS)[number];

const EMOTION_SET: ReadonlySet<string> = new Set(EMOTIONS);

export function isEmotion(x: string): x is Emotion {
  return EMOTION_SET.has(x);
}
