/**
 * Evaluation protocols: how a corpus is cut into train/test folds. Speaker-independent protocols are the default,
 * because the random split puts every speaker in both sets and overstates what a new voice would get.
 */
import { leaveOneSpeakerOut, speakerKFold, stratifiedSplit, type Fold, type SplittableItem } from '../corpus/splits.js';
import type { CorpusName } from '../corpus/types.js';
import { SerError } from '../errors.js';

export const PROTOCOL_NAMES = ['loso', 'speaker-kfold', 'random'] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];

export class ProtocolError extends SerError {}

export function isProtocolName(x: string): x is ProtocolName {
  return (PROTOCOL_NAMES as readonly string[]).includes(x);
}

export interface ProtocolOptions {
  /** Seed of the random split (ignored by the speaker-independent protocols). Default 0. */
  seed?: number;
  /** Folds of speaker-kfold. Default 5 (RAVDESS actors 01-04, 05-08, ... with 2 men and 2 women each). */
  k?: number;
}

export interface ProtocolFolds<T> {
  protocol: ProtocolName;
  /** What every report prints next to the figures. */
  label: string;
  speakerIndependent: boolean;
  folds: Fold<T>[];
}

/** The protocol a corpus is usually reported with: leave-one-speaker-out for the small ones, actor groups for RAVDESS. */
export function defaultProtocol(corpus: CorpusName): ProtocolName {
  return corpus === 'ravdess' || corpus === 'cremad' ? 'speaker-kfold' : 'loso';
}

export function protocolLabel(protocol: ProtocolName, k = 5): string {
  switch (protocol) {
    case 'loso':
      return 'leave-one-speaker-out (speaker-independent)';
    case 'speaker-kfold':
      return `${k}-fold by speaker groups (speaker-independent)`;
    case 'random':
      return 'random 80/20, stratified (speaker-dependent)';
  }
}

export function protocolFolds<T extends SplittableItem>(items: readonly T[], protocol: ProtocolName, options: ProtocolOptions = {}): ProtocolFolds<T> {
  const k = options.k ?? 5;
  let folds: Fold<T>[];
  switch (protocol) {
    case 'loso':
      folds = leaveOneSpeakerOut(items);
      break;
    case 'speaker-kfold':
      folds = speakerKFold(items, { k });
      break;
    case 'random':
      folds = [stratifiedSplit(items, { testFraction: 0.2, seed: options.seed ?? 0 })];
      break;
    default:
      throw new ProtocolError(`unknown protocol "${String(protocol)}"; use one of ${PROTOCOL_NAMES.join(', ')}`);
  }
  return { protocol, label: protocolLabel(protocol, k), speakerIndependent: protocol !== 'random', folds };
}
