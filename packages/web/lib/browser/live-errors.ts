/** What went wrong on the Live page, as the user must act on it. */
export type LiveErrorKind =
  | 'unsupported'
  | 'no-microphone'
  | 'permission-denied'
  | 'microphone-busy'
  | 'audio'
  | 'model'
  | 'inference';

export class LiveError extends Error {
  readonly kind: LiveErrorKind;

  constructor(kind: LiveErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LiveError';
    this.kind = kind;
  }
}

/** getUserMedia's DOMException names, turned into a sentence saying what to do. */
export function microphoneError(err: unknown): LiveError {
  const name = err instanceof DOMException || err instanceof Error ? err.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new LiveError(
        'permission-denied',
        'Microphone permission was denied. Allow this site to use the microphone (the icon in the address bar), then press Start again.',
        { cause: err },
      );
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new LiveError('no-microphone', 'No microphone was found. Connect one (or enable it in the system settings), then press Start again.', { cause: err });
    case 'NotReadableError':
    case 'AbortError':
      return new LiveError('microphone-busy', 'The microphone could not be opened: another application may be using it. Close it, then press Start again.', { cause: err });
    default:
      return new LiveError('audio', `The microphone could not be opened (${err instanceof Error ? err.message : String(err)}).`, { cause: err });
  }
}
