/**
 * An Analyzer that does the work on the calling thread: for tests and scripts that want the real model without a
 * worker. The UI itself uses WorkerAnalyzer, since this one blocks the event loop while it computes.
 */
import { AnalysisSession, toAnalysisError, type AnalysisSessionOptions } from './analysis-session.js';
import { AnalysisCancelledError, type Analysis, type AnalyzeOptions, type Analyzer, type Classification, type ModelInfo } from './analyzer.js';

export class InProcessAnalyzer implements Analyzer {
  readonly #session: AnalysisSession;

  constructor(options: AnalysisSessionOptions) {
    this.#session = new AnalysisSession(options);
  }

  model(): Promise<ModelInfo> {
    return this.#session.modelInfo();
  }

  analyze(file: string, options: AnalyzeOptions = {}): Promise<Analysis> {
    return this.#run(file, options, () => this.#session.analyze(file));
  }

  classify(file: string, options: AnalyzeOptions = {}): Promise<Classification> {
    return this.#run(file, options, () => this.#session.classify(file));
  }

  dispose(): Promise<void> {
    return this.#session.dispose();
  }

  async #run<T>(file: string, options: AnalyzeOptions, work: () => Promise<T>): Promise<T> {
    if (options.signal?.aborted) throw new AnalysisCancelledError(file);
    let result: T;
    try {
      result = await work();
    } catch (err) {
      throw toAnalysisError(err);
    }
    if (options.signal?.aborted) throw new AnalysisCancelledError(file);
    return result;
  }
}
