/**
 * The AudioWorklet that captures the microphone. Worklet modules are loaded by URL and the page's CSP lets scripts
 * come only from this origin (not blob:), so the dashboard serves this module at CAPTURE_WORKLET_URL from the source
 * below (app/live/capture-worklet.js/route.ts). It is written as a function so it is typechecked and linted like the
 * rest; its text is what the browser runs, so it must use nothing from outside its own body but worklet globals.
 */

/** Where the module is served, and the name it registers its processor under. */
export const CAPTURE_WORKLET_URL = '/live/capture-worklet.js';
export const CAPTURE_PROCESSOR = 'ser-capture';

/** Options of the AudioWorkletNode (processorOptions). */
export interface CaptureOptions {
  /** Samples per chunk posted to the worker: a few render quanta, so messages stay few and latency low. */
  chunkSize: number;
}

/** AudioWorkletGlobalScope, as far as the processor uses it (TypeScript's DOM lib does not describe worklets). */
declare const AudioWorkletProcessor: new () => { readonly port: MessagePort };
declare function registerProcessor(name: string, processor: new (options: { processorOptions: CaptureOptions }) => unknown): void;

function defineCaptureProcessor(name: string): void {
  /**
   * Copies the input (mono: the node downmixes) into chunks and posts each chunk, transferred rather than copied, to
   * the port the page sends it; until then, and after a `null` port, audio is dropped. It outputs nothing.
   */
  class CaptureProcessor extends AudioWorkletProcessor {
    // `declare`: no class-field code, whose compiled form could call a helper from outside this function's text.
    declare size: number;
    declare chunk: Float32Array;
    declare filled: number;
    declare target: MessagePort | null;
    declare running: boolean;

    constructor(options: { processorOptions: CaptureOptions }) {
      super();
      // A size of 0 would never fill and loop forever on the audio thread.
      this.size = Math.max(128, Math.floor(options.processorOptions.chunkSize) || 0);
      this.chunk = new Float32Array(this.size);
      this.filled = 0;
      this.target = null;
      this.running = true;
      this.port.onmessage = (e: MessageEvent<MessagePort | null>) => {
        this.target = e.data;
        // null ends the node: returning false from process lets the browser collect it.
        if (e.data === null) this.running = false;
      };
    }

    process(inputs: Float32Array[][]): boolean {
      const samples = inputs[0]?.[0];
      const target = this.target;
      if (!samples || !target) return this.running;
      let at = 0;
      while (at < samples.length) {
        const take = Math.min(this.size - this.filled, samples.length - at);
        this.chunk.set(samples.subarray(at, at + take), this.filled);
        this.filled += take;
        at += take;
        if (this.filled === this.size) {
          // Transferring detaches the chunk (its length becomes 0): the size must come from elsewhere.
          target.postMessage(this.chunk, [this.chunk.buffer]);
          this.chunk = new Float32Array(this.size);
          this.filled = 0;
        }
      }
      return this.running;
    }
  }
  registerProcessor(name, CaptureProcessor);
}

/** The module's text: the function above, called. */
export const captureWorkletSource = `(${defineCaptureProcessor.toString()})(${JSON.stringify(CAPTURE_PROCESSOR)});\n`;
