/**
 * The Analyzer `ser ui` uses: a worker thread running AnalysisSession, so decoding and inference never block the
 * thread that draws the UI and reads keys. The worker starts on first use and loads the model once.
 *
 * Cancelling a queued job drops it. Cancelling a job that has computed for a while restarts the worker, since a long
 * recording could otherwise keep it busy for minutes after the user has moved on; the other jobs are resent.
 */
import { Worker } from 'node:worker_threads';
import type { EngineChoice } from '@ser/core';
import {
  AnalysisCancelledError,
  AnalysisError,
  type Analysis,
  type AnalyzeOptions,
  type Analyzer,
  type Classification,
  type ModelInfo,
} from './analyzer.js';
import type { FromWorker, JobKind, ToWorker, WorkerSetup } from './worker-protocol.js';

export interface WorkerAnalyzerOptions {
  model?: string;
  engine: EngineChoice;
  /** The worker script (default: analysis-worker.js beside this module, i.e. in dist/ui/). */
  workerUrl?: URL;
  /** Warnings of the worker that belong to no single file, and anything it prints. */
  onWarning?: (message: string) => void;
  /** A running job cancelled after this long restarts the worker (default 2 s). */
  restartAfterMs?: number;
}

interface Job {
  id: number;
  kind: JobKind;
  file: string;
  resolve: (value: Analysis | Classification) => void;
  reject: (err: Error) => void;
  /** When the worker began computing it (undefined while queued). */
  startedAt?: number;
}

export class WorkerAnalyzer implements Analyzer {
  readonly #options: WorkerAnalyzerOptions;
  readonly #jobs = new Map<number, Job>();
  #worker: Worker | undefined;
  #model: Promise<ModelInfo> | undefined;
  #settleModel: { resolve: (m: ModelInfo) => void; reject: (e: Error) => void } | undefined;
  #nextId = 1;
  #disposed = false;

  constructor(options: WorkerAnalyzerOptions) {
    this.#options = options;
  }

  model(): Promise<ModelInfo> {
    this.#ensureWorker();
    return this.#model!;
  }

  analyze(file: string, options: AnalyzeOptions = {}): Promise<Analysis> {
    return this.#submit('analyze', file, options) as Promise<Analysis>;
  }

  classify(file: string, options: AnalyzeOptions = {}): Promise<Classification> {
    return this.#submit('classify', file, options) as Promise<Classification>;
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const job of this.#jobs.values()) job.reject(new AnalysisCancelledError(job.file));
    this.#jobs.clear();
    const w = this.#worker;
    this.#worker = undefined;
    if (w) await w.terminate();
  }

  #submit(kind: JobKind, file: string, options: AnalyzeOptions): Promise<Analysis | Classification> {
    if (this.#disposed) return Promise.reject(new AnalysisError('worker', 'the analyzer was closed'));
    if (options.signal?.aborted) return Promise.reject(new AnalysisCancelledError(file));
    const worker = this.#ensureWorker();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const job: Job = { id, kind, file, resolve, reject };
      this.#jobs.set(id, job);
      options.signal?.addEventListener('abort', () => this.#cancel(id), { once: true });
      this.#send(worker, { type: 'job', id, kind, file });
    });
  }

  #cancel(id: number): void {
    const job = this.#jobs.get(id);
    if (!job) return;
    this.#jobs.delete(id);
    job.reject(new AnalysisCancelledError(job.file));
    const restartAfter = this.#options.restartAfterMs ?? 2000;
    if (job.startedAt !== undefined && performance.now() - job.startedAt > restartAfter) this.#restart();
    else if (this.#worker) this.#send(this.#worker, { type: 'cancel', id });
  }

  /** A fresh worker for the remaining jobs; the model is loaded again (a fraction of a second). */
  #restart(): void {
    const old = this.#worker;
    this.#worker = undefined;
    if (old) {
      old.removeAllListeners();
      void old.terminate();
    }
    const worker = this.#ensureWorker();
    for (const job of this.#jobs.values()) {
      job.startedAt = undefined;
      this.#send(worker, { type: 'job', id: job.id, kind: job.kind, file: job.file });
    }
  }

  #send(worker: Worker, message: ToWorker): void {
    worker.postMessage(message);
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const setup: WorkerSetup = { engine: this.#options.engine, ...(this.#options.model !== undefined ? { model: this.#options.model } : {}) };
    const url = this.#options.workerUrl ?? new URL('./analysis-worker.js', import.meta.url);
    // stdout/stderr are captured: anything printed by a library in the worker would otherwise tear through the UI.
    const worker = new Worker(url, { workerData: setup, stdout: true, stderr: true });
    this.#worker = worker;
    const warn = this.#options.onWarning ?? (() => {});
    for (const stream of [worker.stdout, worker.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (text: string) => text.split('\n').filter((l) => l.trim()).forEach((l) => warn(l)));
    }
    if (!this.#model || this.#settleModel === undefined) {
      this.#model = new Promise<ModelInfo>((resolve, reject) => (this.#settleModel = { resolve, reject }));
      this.#model.catch(() => {});
    }
    worker.on('message', (m: FromWorker) => this.#receive(m));
    worker.on('error', (err) => this.#crashed(worker, `the analysis worker failed: ${err.message.split('\n')[0]}`));
    worker.on('exit', (code) => {
      if (this.#worker === worker) this.#crashed(worker, `the analysis worker stopped (exit code ${code})`);
    });
    return worker;
  }

  #receive(m: FromWorker): void {
    switch (m.type) {
      case 'model':
        if (m.ok) this.#settleModel?.resolve(m.info);
        else this.#settleModel?.reject(new AnalysisError('model', m.message));
        this.#settleModel = undefined;
        return;
      case 'warning':
        this.#options.onWarning?.(m.message);
        return;
      case 'started': {
        const job = this.#jobs.get(m.id);
        if (job) job.startedAt = performance.now();
        return;
      }
      case 'analysis':
      case 'classification':
      case 'failed': {
        const job = this.#jobs.get(m.id);
        if (!job) return; // cancelled meanwhile
        this.#jobs.delete(m.id);
        if (m.type === 'failed') job.reject(new AnalysisError(m.kind, m.message));
        else job.resolve(m.type === 'analysis' ? m.analysis : m.classification);
        return;
      }
    }
  }

  /** An unexpected end of the worker fails what it held; the next request starts a new one. */
  #crashed(worker: Worker, message: string): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    worker.removeAllListeners();
    void worker.terminate();
    const reason = `${message}; try again, or use \`ser predict\` to see the full error`;
    for (const job of this.#jobs.values()) job.reject(new AnalysisError('worker', `${job.file}: ${reason}`));
    this.#jobs.clear();
    if (this.#settleModel) {
      this.#settleModel.reject(new AnalysisError('worker', reason));
      this.#settleModel = undefined;
    }
  }
}
