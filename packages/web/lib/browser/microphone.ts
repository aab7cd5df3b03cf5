import { CAPTURE_PROCESSOR, CAPTURE_WORKLET_URL, type CaptureOptions } from './capture-worklet';
import { LiveError, microphoneError } from './live-errors';

/** An open microphone feeding the capture worklet. */
export interface MicrophoneCapture {
  /** The AudioContext's rate: the rate of every chunk. */
  readonly sampleRate: number;
  /** Sends the audio chunks (mono Float32Array) to `port`, typically one end of a channel whose other end a worker holds. */
  sendTo(port: MessagePort): void;
  /** Releases the microphone (its indicator goes off) and the audio graph. */
  close(): Promise<void>;
}

/** Samples per chunk: whole render quanta (128 samples) adding up to about 40 ms. */
const chunkSizeFor = (sampleRate: number) => 128 * Math.max(1, Math.round((sampleRate * 0.04) / 128));

/**
 * Asks for the microphone and starts capturing it. Call it from a click handler: the AudioContext is created before
 * the first await, while the click still counts as the user's gesture that lets audio start. Errors are LiveErrors
 * saying what the user can do.
 */
export async function openMicrophone(): Promise<MicrophoneCapture> {
  if (typeof AudioWorkletNode === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
    throw new LiveError(
      'unsupported',
      window.isSecureContext
        ? 'This browser cannot capture audio here (no AudioWorklet or getUserMedia): use a current Chrome, Edge, Firefox or Safari.'
        : 'Browsers give the microphone only to secure pages: open the dashboard at https:// or http://localhost.',
    );
  }
  const context = new AudioContext({ latencyHint: 'interactive' });
  let stream: MediaStream;
  try {
    // Raw audio: echo cancellation, noise suppression and gain control reshape the voice the model was trained on.
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      video: false,
    });
  } catch (err) {
    void context.close();
    throw microphoneError(err);
  }
  const release = async () => {
    for (const track of stream.getTracks()) track.stop();
    if (context.state !== 'closed') await context.close();
  };
  try {
    await context.audioWorklet.addModule(CAPTURE_WORKLET_URL);
    const options: CaptureOptions = { chunkSize: chunkSizeFor(context.sampleRate) };
    const node = new AudioWorkletNode(context, CAPTURE_PROCESSOR, {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      // The node mixes any microphone down to one channel itself.
      channelCount: 1,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
      processorOptions: options,
    });
    context.createMediaStreamSource(stream).connect(node);
    // The node outputs silence; it is connected so that every browser keeps pulling audio through it.
    node.connect(context.destination);
    await context.resume();
    return {
      sampleRate: context.sampleRate,
      sendTo: (port) => node.port.postMessage(port, [port]),
      close: async () => {
        node.port.postMessage(null);
        node.disconnect();
        await release();
      },
    };
  } catch (err) {
    await release();
    throw new LiveError('audio', `Audio capture could not start (${err instanceof Error ? err.message : String(err)}); reload the page and try again.`, { cause: err });
  }
}
