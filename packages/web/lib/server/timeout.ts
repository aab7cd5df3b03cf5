/**
 * Every inference runs through one gate: at most `concurrency` at once, the rest wait in a bounded queue, and each
 * request has one deadline for waiting and working together. A flood therefore queues (memory bounded by the queue
 * and the upload budget) instead of starting hundreds of decodes at once. When the deadline passes, the client gets
 * its answer (503 if it never started, 504 if it was running); running work cannot be interrupted, so it keeps its
 * slot until it really ends, and the gate's count stays the truth about what the CPU is doing.
 */
import { HttpError } from './errors';

interface Waiter {
  start: () => void;
}

/** Nobody reads this answer; it only ends the handler. */
const clientGone = () => new HttpError(400, 'the client closed the request');

export class InferenceGate {
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(
    readonly concurrency: number,
    readonly maxQueue: number,
  ) {}

  get running(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves with a release function once a slot is free; rejects with 503 when the queue is full or `deadline` passes. */
  acquire(deadline: number, signal?: AbortSignal): Promise<() => void> {
    const release = this.releaser();
    if (this.active < this.concurrency && this.queue.length === 0) {
      this.active++;
      return Promise.resolve(release);
    }
    if (signal?.aborted) return Promise.reject(clientGone());
    if (this.queue.length >= this.maxQueue) {
      return Promise.reject(new HttpError(503, `the server is busy (${this.queue.length} requests waiting); try again in a few seconds`, { 'Retry-After': '2' }));
    }
    return new Promise((resolve, reject) => {
      const leave = (err: HttpError) => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(err);
      };
      const waiter: Waiter = {
        start: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const timer = setTimeout(
        () => leave(new HttpError(503, 'the server is busy: no analysis slot came free in time; try again in a few seconds', { 'Retry-After': '5' })),
        Math.max(0, deadline - Date.now()),
      );
      const onAbort = () => leave(clientGone());
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.queue.shift();
      if (next) next.start(); // the slot passes straight on: `active` is unchanged
      else this.active--;
    };
  }
}

/** Rejects with `onTimeout()` after `ms` unless `work` settles first; `work` itself runs on. */
export function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), Math.max(0, ms));
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

const KEY = Symbol.for('ser.web.inferenceGate');
type Holder = { [KEY]?: InferenceGate };

export function sharedGate(concurrency: number, maxQueue: number): InferenceGate {
  const g = globalThis as Holder;
  return (g[KEY] ??= new InferenceGate(concurrency, maxQueue));
}

export interface BoundedOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  gate: InferenceGate;
}

/**
 * Runs `work` when the gate lets it, within `timeoutMs` from now (waiting included): 503 when it never started in
 * time, 504 when it started but did not finish.
 */
export async function runBounded<T>(work: () => Promise<T>, { timeoutMs, signal, gate }: BoundedOptions): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const release = await gate.acquire(deadline, signal);
  const job = (async () => {
    try {
      return await work();
    } finally {
      release();
    }
  })();
  job.catch(() => {}); // after a timeout nobody awaits it; its failure must not become an unhandled rejection
  return withTimeout(
    job,
    deadline - Date.now(),
    () => new HttpError(504, `the analysis took longer than ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}; send a shorter recording or try again later`),
  );
}
