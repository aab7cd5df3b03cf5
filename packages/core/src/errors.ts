/** Base class of every error ser throws on purpose: catch `SerError` to tell ours from bugs. */
export class SerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Audio that cannot be decoded: empty, truncated, hostile or in an unsupported codec.
 * `source` names the file (or "<bytes>" for in-memory input); `reason` is the bare cause without the file name.
 */
export class AudioDecodeError extends SerError {
  readonly source: string;
  readonly reason: string;
  constructor(source: string, reason: string, options?: { cause?: unknown }) {
    super(`${source}: ${reason}`, options);
    this.source = source;
    this.reason = reason;
  }
}

/** A corpus file whose name does not follow its corpus' scheme, or a split that cannot be made. */
export class CorpusError extends SerError {
  readonly file: string | undefined;
  constructor(message: string, file?: string) {
    super(file ? `${file}: ${message}` : message);
    this.file = file;
  }
}

/** Feature extraction that cannot run: bad parameters, an unavailable engine, audio too short or at the wrong rate. */
export class FeatureError extends SerError {}
