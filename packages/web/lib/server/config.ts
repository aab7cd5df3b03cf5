/**
 * The server's limits, read from the environment once per process. Every limit has a default sized for one small
 * machine; a value that is not a number is a configuration error that names the variable, never a silent default.
 *
 *   SER_WEB_MAX_UPLOAD_BYTES    26214400 (25 MB)  body of /api/predict and /api/analyse; also one file of a batch
 *   SER_WEB_MAX_DURATION_SEC    600               seconds of audio per file
 *   SER_WEB_MAX_CHANNELS        8
 *   SER_WEB_BATCH_MAX_FILES     50                files per batch (zip: 4x as many members, folders included)
 *   SER_WEB_BATCH_MAX_BYTES     104857600 (100 MB) batch body, and all zip members inflated together
 *   SER_WEB_BATCH_TIMEOUT_MS    120000            files not reached by then get an error entry
 *   SER_WEB_TIMEOUT_MS          30000             one inference, queue wait included (503 / 504 beyond)
 *   SER_WEB_CONCURRENCY         2 to 4 (cores)    inferences at once
 *   SER_WEB_QUEUE               256               inferences waiting; beyond, 503 with Retry-After
 *   SER_WEB_MAX_INFLIGHT_BYTES  536870912 (512 MB) request bodies held at once; beyond, 503 with Retry-After
 *   SER_WEB_RATE_LIMIT          5                 requests per second per client, or "off" (load tests only)
 *   SER_WEB_RATE_BURST          20
 *   SER_WEB_TRUST_PROXY         unset             1: the client is the last X-Forwarded-For entry (behind a proxy)
 * Where things are (repo.ts, model.ts): SER_MODEL_DIR (the "default" model's folder, as `ser web --model` sets it),
 * SER_MODELS_ROOT (the folder of model folders, default <repo>/models), SER_EVAL_REPORT (default
 * <repo>/docs/eval/report.json).
 */
import { availableParallelism } from 'node:os';

export interface ServerLimits {
  /** Largest request body for /api/predict and /api/analyse (bytes). */
  maxUploadBytes: number;
  /** Longest recording accepted (seconds of audio). */
  maxDurationSec: number;
  /** More channels than this is not a speech recording: mix it down first. */
  maxChannels: number;
  /** Files per batch (multipart parts, or zip members that are not folders). */
  batchMaxFiles: number;
  /** Largest batch request body, and the most bytes a batch zip may inflate to (all members together). */
  batchMaxBytes: number;
  /** A batch stops analysing new files after this long; the rest are answered with an error entry. */
  batchTimeoutMs: number;
  /** Longest one inference may take, queue wait included. */
  timeoutMs: number;
  /** Inferences running at once; more wait in a queue. */
  concurrency: number;
  /** Requests waiting for an inference slot; beyond this the server answers 503. */
  maxQueue: number;
  /** Request bodies held in memory by all requests together; beyond this the server answers 503. */
  maxInflightBytes: number;
  /** Token bucket per client: requests per second, or undefined when rate limiting is off. */
  ratePerSec: number | undefined;
  /** Token bucket size: requests a client may send at once after a pause. */
  rateBurst: number;
  /** Take the client's address from X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy: boolean;
}

export class ConfigError extends Error {}

const MiB = 1024 * 1024;

function positive(name: string, fallback: number, { integer = true } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} must be a positive ${integer ? 'integer' : 'number'} (default ${fallback})`);
  }
  return v;
}

function flag(name: string): boolean {
  const raw = (process.env[name] ?? '').trim().toLowerCase();
  return raw === '1' || raw === 'true' || raw === 'yes';
}

export function readLimits(): ServerLimits {
  const rateRaw = (process.env.SER_WEB_RATE_LIMIT ?? '').trim().toLowerCase();
  return {
    maxUploadBytes: positive('SER_WEB_MAX_UPLOAD_BYTES', 25 * MiB),
    maxDurationSec: positive('SER_WEB_MAX_DURATION_SEC', 600, { integer: false }),
    maxChannels: positive('SER_WEB_MAX_CHANNELS', 8),
    batchMaxFiles: positive('SER_WEB_BATCH_MAX_FILES', 50),
    batchMaxBytes: positive('SER_WEB_BATCH_MAX_BYTES', 100 * MiB),
    batchTimeoutMs: positive('SER_WEB_BATCH_TIMEOUT_MS', 120_000),
    timeoutMs: positive('SER_WEB_TIMEOUT_MS', 30_000),
    // Decoding and features run on the event loop; a second slot lets one request's onnxruntime call (thread pool)
    // overlap another's features. More slots than cores only add memory.
    concurrency: positive('SER_WEB_CONCURRENCY', Math.min(4, Math.max(2, availableParallelism()))),
    maxQueue: positive('SER_WEB_QUEUE', 256),
    maxInflightBytes: positive('SER_WEB_MAX_INFLIGHT_BYTES', 512 * MiB),
    ratePerSec: rateRaw === 'off' ? undefined : positive('SER_WEB_RATE_LIMIT', 5, { integer: false }),
    rateBurst: positive('SER_WEB_RATE_BURST', 20),
    trustProxy: flag('SER_WEB_TRUST_PROXY'),
  };
}

const KEY = Symbol.for('ser.web.limits');
type Holder = { [KEY]?: ServerLimits };

/** The limits of this process (read on first use; route bundles share them through globalThis). */
export function limits(): ServerLimits {
  const g = globalThis as Holder;
  return (g[KEY] ??= readLimits());
}
