import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CORPUS_NAMES, PRESETS, PROTOCOL_NAMES, SerError, VECTOR_PRESETS, isProtocolName, type CorpusName, type EngineChoice, type PresetName, type ProtocolName, type VectorPresetName } from '@ser/core';
import { CLASSICAL_MODELS, DEEP_ARCHITECTURES, architectureInput, isClassicalModelName, isDeepArchitecture, type ClassicalModelName, type DeepArchitecture, type OnnxOpset } from '@ser/training';
import { compareCommand } from './commands/compare.js';
import { exportCommand } from './commands/export.js';
import { FEATURE_NAMES, featuresCommand, type FeaturesFormat } from './commands/features.js';
import { recordCommand } from './commands/record.js';
import { webCommand } from './commands/web.js';
import { expandInputs } from './inputs.js';
import { evaluateCommand } from './commands/evaluate.js';
import { infoCommand } from './commands/info.js';
import { trainCommand } from './commands/train.js';
import { describeFileError, predictCommand } from './commands/predict.js';
import { describeError } from './errors.js';
import { processIo, type Io } from './io.js';

const VERSION = '0.1.0';

/** Builds and runs the `ser` command line; resolves to the process exit code. */
export async function run(argv: string[], io: Io = processIo): Promise<number> {
  let exitCode = 0;
  const program = new Command('ser')
    .description('ser: speech emotion recognition: decode, inspect and classify speech recordings')
    .version(VERSION)
    .option('--debug', 'print stack traces for errors')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run ser --help for usage)');

  program
    .command('ui')
    .description('the interactive terminal UI: browse audio files, see waveform, spectrogram and emotions over time, compare a folder, follow training')
    .argument('[path]', 'folder (or audio file) to start in', '.')
    .option('--model <dir>', 'model folder (default: $SER_MODEL_DIR or models/default/)')
    .addOption(new Option('--engine <name>', 'feature engine').choices(['auto', 'native', 'typescript']).default('auto'))
    .option('--follow [work-dir]', 'open the training dashboard on a `ser train` work folder (default: the latest run)')
    .addHelpText('after', '\n`ser` with no arguments opens it too. Keys: ? for help, q to quit.\n\nExamples:\n  ser ui data/emodb\n  ser ui --follow ~/.cache/ser/train/vgg2d-s0')
    .action(async (path: string, o: { model?: string; engine: string; follow?: string | boolean }) => {
      exitCode = await openUi(path, o, io);
    });

  program
    .command('info')
    .description('summarise audio files (format, codec, rate, channels, duration, levels) or model folders (the model card)')
    .argument('<files...>', 'audio files (WAV, AIFF, FLAC, MP3, Ogg Vorbis, Opus) or model folders (holding card.json)')
    .option('--json', 'print a JSON array, one object per file')
    .addHelpText('after', '\nExamples:\n  ser info samples/hello.wav\n  ser info models/default\n  ser info --json recordings/*.wav > summary.json')
    .action(async (files: string[], opts: { json?: boolean }) => {
      const debug = Boolean(program.opts<{ debug?: boolean }>().debug);
      const failed = await infoCommand(files, {
        json: Boolean(opts.json),
        onError: (_file, err) => io.err(`${describeError(err, debug)}\n`),
      }, io);
      if (failed > 0) {
        io.err(`${failed} of ${files.length} file${files.length === 1 ? '' : 's'} failed\n`);
        exitCode = 1;
      }
    });

  program
    .command('predict')
    .description('classify the emotion of speech recordings with an ONNX model (models/default/ unless --model)')
    .argument('<inputs...>', 'audio files (WAV, AIFF, FLAC, MP3, Ogg Vorbis, Opus), folders (searched recursively) or quoted globs')
    .option('--model <dir>', 'model folder holding model.onnx and card.json (default: $SER_MODEL_DIR or models/default/)')
    .addOption(new Option('--engine <name>', 'feature engine').choices(['auto', 'native', 'typescript']).default('auto'))
    .option('--speaker', "the files are recordings of ONE speaker, classified together by a per-speaker model (ser train --speaker-norm; 10+ recordings)")
    .option('--segments', 'emotions over time: also classify sliding windows of each file (see --window, --hop)')
    .option('--window <s>', 'segment length in seconds (with --segments)', floatOption('--window'), 3)
    .option('--hop <s>', 'seconds between segment starts (with --segments)', floatOption('--hop'), 1)
    .addOption(new Option('--json', 'print one JSON object per line: { file, label, scores } (+ duration, segments)').conflicts('csv'))
    .option('--csv', 'print CSV: file, label, one probability column per emotion (with --segments: a row per segment)')
    .addHelpText(
      'after',
      '\nExamples:\n  ser predict samples/hello.wav\n  ser predict --json --model models/cnn recordings/ > emotions.jsonl\n' +
        "  ser predict --csv 'calls/**/*.wav' > emotions.csv\n  ser predict --segments --window 3 --hop 1 interview.wav\n" +
        '  ser predict --speaker --model models/speaker-norm recordings/anna/\n\n' +
        'Exit status: 0 when every file was classified, 1 when any failed (the others are still reported), 2 on bad usage.',
    )
    .action(async (inputs: string[], o: { model?: string; engine: string; speaker?: boolean; segments?: boolean; window: number; hop: number; json?: boolean; csv?: boolean }) => {
      const debug = Boolean(program.opts<{ debug?: boolean }>().debug);
      if (o.speaker && o.segments) {
        io.err('error: --speaker classifies whole recordings of one speaker together; it does not combine with --segments\n');
        exitCode = 2;
        return;
      }
      const format = o.json ? 'json' : o.csv ? 'csv' : 'text';
      const { files, empty } = await expandInputs(inputs);
      for (const e of empty) io.err(`warning: ${e.arg}: ${e.reason}\n`);
      if (files.length === 0) {
        io.err('error: no audio files to classify; name files, folders or globs (ser predict --help)\n');
        exitCode = 1;
        return;
      }
      const summary = await predictCommand(files, {
        format,
        engine: o.engine as EngineChoice,
        ...(o.model ? { model: o.model } : {}),
        ...(o.segments ? { segments: { window: o.window, hop: o.hop } } : {}),
        ...(o.speaker ? { speaker: true } : {}),
        // Text results stream on a terminal and are progress enough; a bar helps when stdout goes elsewhere.
        progress: files.length > 1 && (format !== 'text' || !process.stdout.isTTY),
        onError: (file, err) => io.err(`${describeFileError(file, err, debug)}\n`),
      }, io);
      if (summary.failures.length > 0) {
        reportFailures(io, summary.failures.map((f) => f.file), files.length);
        exitCode = 1;
      }
    });

  program
    .command('features')
    .description('compute features of audio files: a preset (classic193, functionals, logmel) or single features, as JSON lines, CSV or .npy')
    .argument('<inputs...>', 'audio files, folders (searched recursively) or quoted globs')
    .addOption(new Option('--preset <name>', 'feature preset').choices([...Object.keys(PRESETS)]).conflicts('feature'))
    .option('--feature <list>', `comma-separated, from ${Object.keys(FEATURE_NAMES).join(', ')} (librosa's parameters)`, listOption('--feature', (x) => x in FEATURE_NAMES))
    .option('--sample-rate <hz>', 'resample to this rate first', positiveOption('--sample-rate'), 16000)
    .addOption(new Option('--format <name>', 'output format').choices(['json', 'csv', 'npy']).default('json'))
    .option('--out <dir>', 'folder for the .npy files (with --format npy)')
    .addOption(new Option('--engine <name>', 'feature engine').choices(['auto', 'native', 'typescript']).default('auto'))
    .addHelpText(
      'after',
      '\nOutput: json prints one object per line ({ file, sampleRate, engine, <name>: values or { rows, cols, data } });\n' +
        'csv prints a row per file (vectors) or per frame (matrices); npy writes <file>.<name>.npy into --out.\n\n' +
        'Examples:\n  ser features samples/hello.wav\n  ser features --csv --preset classic193 data/emodb > emodb.csv\n' +
        '  ser features --feature mfcc,chroma-stft --format npy --out feats/ recordings/',
    )
    .action(async (inputs: string[], o: { preset?: string; feature?: string[]; sampleRate: number; format: string; out?: string; engine: string }) => {
      const debug = Boolean(program.opts<{ debug?: boolean }>().debug);
      const { files, empty } = await expandInputs(inputs);
      for (const e of empty) io.err(`warning: ${e.arg}: ${e.reason}\n`);
      if (files.length === 0) {
        io.err('error: no audio files; name files, folders or globs (ser features --help)\n');
        exitCode = 1;
        return;
      }
      const failed: string[] = [];
      await featuresCommand(files, {
        ...(o.feature ? { features: o.feature } : { preset: (o.preset ?? 'classic193') as PresetName }),
        sampleRate: o.sampleRate,
        format: o.format as FeaturesFormat,
        ...(o.out ? { out: o.out } : {}),
        engine: o.engine as EngineChoice,
        progress: files.length > 1 && !process.stdout.isTTY,
        onError: (file, err) => {
          failed.push(file);
          io.err(`${describeFileError(file, err, debug)}\n`);
        },
      }, io);
      if (failed.length > 0) {
        reportFailures(io, failed, files.length);
        exitCode = 1;
      }
    });

  program
    .command('record')
    .description('listen to the microphone (arecord or sox) and print the emotion of the last seconds, every second')
    .option('--model <dir>', 'model folder (default: $SER_MODEL_DIR or models/default/)')
    .addOption(new Option('--engine <name>', 'feature engine').choices(['auto', 'native', 'typescript']).default('auto'))
    .option('--window <s>', 'seconds of audio each prediction looks at', floatOption('--window'), 3)
    .option('--every <s>', 'seconds between predictions', floatOption('--every'), 1)
    .option('--duration <s>', 'stop after this many seconds (default: Ctrl-C)', floatOption('--duration'))
    .option('--out <file.wav>', 'also save the recording as a WAV file')
    .option('--silence <dbfs>', 'windows quieter than this RMS level are reported as silence', Number, -50)
    .option('--json', 'print one JSON object per prediction: { time, label, scores } or { time, silence }')
    .addHelpText(
      'after',
      '\nThe recorder is arecord (alsa-utils), else sox; set SER_RECORD_COMMAND to any command writing 16 kHz mono\n' +
        's16le PCM to stdout, e.g. SER_RECORD_COMMAND="sox talk.wav -t raw -r 16000 -e signed -b 16 -c 1 -".\n\n' +
        'Examples:\n  ser record\n  ser record --duration 30 --out me.wav --json > live.jsonl',
    )
    .action(async (o: { model?: string; engine: string; window: number; every: number; duration?: number; out?: string; silence: number; json?: boolean }) => {
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      try {
        await recordCommand({
          ...(o.model ? { model: o.model } : {}),
          engine: o.engine as EngineChoice,
          window: o.window,
          every: o.every,
          ...(o.duration !== undefined ? { duration: o.duration } : {}),
          ...(o.out ? { out: o.out } : {}),
          silenceDb: o.silence,
          json: Boolean(o.json),
          signal: abort.signal,
        }, io);
      } finally {
        process.off('SIGINT', onSigint);
      }
    });

  program
    .command('web')
    .description('serve the web dashboard (analyse, live microphone, batch, models) on this machine')
    .option('--port <n>', 'port', positiveOption('--port'), 3000)
    .option('--host <addr>', 'address to listen on (default: loopback only; 0.0.0.0 exposes it to the network)', '127.0.0.1')
    .option('--model <dir>', 'model folder the server predicts with (default: $SER_MODEL_DIR or models/default/)')
    .addHelpText('after', '\nBuild it first with `npm run build -w @ser/web` (npm run setup does).\n\nExamples:\n  ser web\n  ser web --port 8080 --model models/mine')
    .action(async (o: { port: number; host: string; model?: string }) => {
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      try {
        await webCommand({ port: o.port, host: o.host, ...(o.model ? { model: o.model } : {}), signal: abort.signal }, io);
      } finally {
        process.off('SIGINT', onSigint);
      }
    });

  program
    .command('export')
    .description('export a TensorFlow.js layers model (model.json + weights) to ONNX, verified against tfjs in onnxruntime')
    .argument('<model-json>', "the model.json that tfjs's model.save() wrote (weight shards beside it)")
    .requiredOption('--out <file.onnx>', 'ONNX file to write (only after the verification passes)')
    .addOption(new Option('--opset <n>', 'ONNX opset').choices(['13', '17']).default('13'))
    .option('--examples <n>', 'random inputs the export is verified on (max |tfjs - onnxruntime| <= 1e-4)', positiveOption('--examples'), 100)
    .option('--seed <n>', 'seed of the random inputs', intOption('--seed'), 1)
    .option('--json', 'print one JSON object: file, bytes, opset, layers, maxAbsDiff, examples')
    .addHelpText('after', '\nModels trained with `ser train --out` are exported already; this is for your own tfjs models.\n\nExamples:\n  ser export my-model/model.json --out my-model.onnx')
    .action(async (modelJson: string, o: { out: string; opset: string; examples: number; seed: number; json?: boolean }) => {
      await exportCommand(modelJson, { out: o.out, opset: Number(o.opset) as OnnxOpset, examples: o.examples, seed: o.seed, json: Boolean(o.json) }, io);
    });

  program
    .command('evaluate')
    .description('cross-validate one classical model on a corpus folder (speaker-independent by default)')
    .argument('<corpus-dir>', 'folder of a corpus (EMO-DB, RAVDESS, TESS, SAVEE, CREMA-D file names)')
    .addOption(new Option('--protocol <name>', 'loso | speaker-kfold | random (default: loso for EMO-DB, speaker-kfold for RAVDESS)').choices([...PROTOCOL_NAMES]))
    .addOption(new Option('--model <name>', 'classifier').choices([...CLASSICAL_MODELS]).default('svm'))
    .addOption(new Option('--preset <name>', 'utterance features').choices([...VECTOR_PRESETS]).default('classic193'))
    .option('--k <n>', 'folds of speaker-kfold', intOption('--k'), 5)
    .option('--seed <n>', 'seed of the random split and the models', intOption('--seed'), 0)
    .option('--speaker-norm', 'standardise each speaker with its own statistics (needs several utterances per test speaker)')
    .addOption(new Option('--corpus <name>', 'skip corpus detection').choices([...CORPUS_NAMES]))
    .addOption(new Option('--engine <name>', 'feature engine').choices(['auto', 'native', 'typescript']).default('auto'))
    .option('--cache-dir <dir>', 'feature cache (default $SER_CACHE_DIR or ~/.cache/ser)')
    .option('--json', 'print one JSON object (uar, accuracy, macroF1, labels, confusion, folds ...)')
    .addHelpText('after', '\nExamples:\n  ser evaluate data/emodb --model svm\n  ser evaluate data/emodb --model svm --preset functionals --speaker-norm\n  ser evaluate data/ravdess --protocol random --model rf --json')
    .action(async (dir: string, o: { protocol?: string; model: string; preset: string; k: number; seed: number; speakerNorm?: boolean; corpus?: string; engine: string; cacheDir?: string; json?: boolean }) => {
      await evaluateCommand(dir, {
        ...(o.protocol ? { protocol: o.protocol as ProtocolName } : {}),
        model: o.model as ClassicalModelName,
        preset: o.preset as VectorPresetName,
        k: o.k,
        seed: o.seed,
        speakerNorm: Boolean(o.speakerNorm),
        json: Boolean(o.json),
        engine: o.engine as EngineChoice,
        ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}),
        ...(o.corpus ? { corpus: o.corpus as CorpusName } : {}),
      }, io);
    });

  program
    .command('compare')
    .description('run models x protocols x corpora and write a report folder (report.md, report.json, confusion SVGs)')
    .argument('<corpus-dirs...>', 'one or more corpus folders')
    .option('--models <list>', `comma-separated, from ${CLASSICAL_MODELS.join(', ')} (classical) and ${DEEP_ARCHITECTURES.join(', ')} (deep, default settings of ser train)`, listOption('--models', (x) => isClassicalModelName(x) || isDeepArchitecture(x)), [...CLASSICAL_MODELS])
    .option('--protocols <list>', `comma-separated, from default, ${PROTOCOL_NAMES.join(', ')} ("default" = the corpus' speaker-independent protocol)`, listOption('--protocols', (x) => x === 'default' || isProtocolName(x)), ['default', 'random'])
    .addOption(new Option('--preset <name>', 'utterance features of the classical models, dnn and cnn1d').choices([...VECTOR_PRESETS]).default('classic193'))
    .option('--ensemble <n>', 'deep models: networks per model, averaged (as ser train --ensemble)', positiveOption('--ensemble'), 1)
    .option('--mixup <alpha>', 'deep models: mixup Beta(alpha, alpha) (as ser train --mixup; default 0: off)', floatOption('--mixup'))
    .option('--out <dir>', 'report folder', 'ser-report')
    .option('--seed <n>', 'seed of the random split and the models', intOption('--seed'), 0)
    .option('--speaker-norm', 'add rows with per-speaker standardisation')
    .addOption(new Option('--engine <name>', 'feature engine').choices(['auto', 'native', 'typescript']).default('auto'))
    .option('--cache-dir <dir>', 'feature cache (default $SER_CACHE_DIR or ~/.cache/ser)')
    .addHelpText('after', '\nExamples:\n  ser compare data/emodb data/ravdess --out reports/classical\n  ser compare data/emodb --models svm,mlp,dnn,vgg2d --protocols default --out reports/deep\n  ser compare data/emodb data/ravdess --models svm,dnn --preset functionals --speaker-norm')
    .action(async (dirs: string[], o: { models: string[]; preset: string; ensemble: number; mixup?: number; protocols: string[]; out: string; seed: number; speakerNorm?: boolean; engine: string; cacheDir?: string }) => {
      await compareCommand(dirs, {
        models: o.models as (ClassicalModelName | DeepArchitecture)[],
        protocols: o.protocols as (ProtocolName | 'default')[],
        preset: o.preset as VectorPresetName,
        deep: { ensemble: o.ensemble, ...(o.mixup !== undefined ? { mixup: o.mixup } : {}) },
        out: o.out,
        seed: o.seed,
        speakerNorm: Boolean(o.speakerNorm),
        engine: o.engine as EngineChoice,
        ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}),
      }, io);
    });

  program
    .command('train')
    .description('train a deep model: speaker-independent cross-validation over N seeds, then optionally the final model on all corpora')
    .argument('<corpus-dirs...>', 'one or more corpus folders (each is cross-validated on its own; --out trains on all of them)')
    .addOption(new Option('--arch <name>', 'architecture').choices([...DEEP_ARCHITECTURES]).default('vgg2d'))
    .addOption(new Option('--preset <name>', 'utterance features of dnn and cnn1d (default: classic193)').choices([...VECTOR_PRESETS]))
    .addOption(new Option('--protocol <name>', 'loso | speaker-kfold | random (default: loso for EMO-DB, speaker-kfold for RAVDESS)').choices([...PROTOCOL_NAMES]))
    .option('--k <n>', 'folds of speaker-kfold', intOption('--k'), 5)
    .option('--runs <n>', 'seeds of the same configuration; reports mean ± std of UAR per fold', positiveOption('--runs'), 1)
    .option('--seed <n>', 'first seed (run r uses seed + 1000 r)', intOption('--seed'), 0)
    .option('--epochs <n>', 'maximum epochs (default 100; 500 with --seed-recipe)', positiveOption('--epochs'))
    .option('--patience <n>', 'early stopping: epochs without a better validation UAR (default 15)', positiveOption('--patience'))
    .option('--batch-size <n>', 'examples per batch (default 32)', positiveOption('--batch-size'))
    .option('--lr <x>', "Adam's learning rate (default 1e-3)", floatOption('--lr'))
    .option('--augment <k>', 'augmented copies (noise, gain, shift, speed) of each training utterance', intOption('--augment'), 0)
    .option('--mixup <alpha>', "mixup: train on convex blends of example pairs, weights ~ Beta(alpha, alpha) (default 0: off)", floatOption('--mixup'))
    .option('--ensemble <n>', 'networks per model, trained with their own seeds and averaged (exported as one graph)', positiveOption('--ensemble'), 1)
    .option('--speaker-norm', "dnn/cnn1d: standardise each speaker's vectors with that speaker's statistics (the model then classifies 10+ recordings of one speaker at a time: ser predict --speaker)")
    .option('--seed-recipe', "the seed project's configuration: 500 epochs, no validation split, no early stopping")
    .option('--no-cv', 'skip cross-validation (with --out: only train the final model)')
    .option('--out <dir>', 'train the final model on all corpora given and write model.onnx + card.json here')
    .option('--work-dir <dir>', 'checkpoints (default $SER_CACHE_DIR/train/<arch>-s<seed>)')
    .option('--resume', 'continue an interrupted run from its last checkpoints (same arguments)')
    .addOption(new Option('--corpus <name>', 'skip corpus detection').choices([...CORPUS_NAMES]))
    .addOption(new Option('--engine <name>', 'feature engine').choices(['auto', 'native', 'typescript']).default('auto'))
    .option('--cache-dir <dir>', 'feature cache (default $SER_CACHE_DIR or ~/.cache/ser)')
    .option('--json', 'print one JSON object: per corpus the runs, UAR per fold (mean ± std), and the final model')
    .addHelpText('after', '\nExamples:\n  ser train data/emodb --arch vgg2d --runs 3\n  ser train data/emodb data/ravdess --arch resatt2d --out models/mine\n  ser train data/emodb --arch cnn1d --resume\n  ser train data/emodb data/ravdess --arch dnn --preset functionals --ensemble 5 --mixup 0.2\n  ser train data/emodb data/ravdess --arch dnn --preset functionals --speaker-norm --out models/mine')
    .action(async (dirs: string[], o: { arch: string; preset?: string; mixup?: number; ensemble: number; speakerNorm?: boolean; protocol?: string; k: number; runs: number; seed: number; epochs?: number; patience?: number; batchSize?: number; lr?: number; augment: number; seedRecipe?: boolean; cv: boolean; out?: string; workDir?: string; resume?: boolean; corpus?: string; engine: string; cacheDir?: string; json?: boolean }) => {
      if (!o.cv && !o.out) {
        io.err('error: --no-cv needs --out (otherwise nothing would be trained)\n');
        exitCode = 2;
        return;
      }
      if (o.preset && architectureInput(o.arch as DeepArchitecture) === 'logmel') {
        io.err(`error: --preset picks the utterance vector of dnn and cnn1d; ${o.arch} takes log-mel windows (drop --preset)\n`);
        exitCode = 2;
        return;
      }
      if (o.speakerNorm && architectureInput(o.arch as DeepArchitecture) === 'logmel') {
        io.err(`error: --speaker-norm standardises the utterance vectors of dnn and cnn1d; ${o.arch} takes log-mel windows\n`);
        exitCode = 2;
        return;
      }
      await trainCommand(dirs, {
        arch: o.arch as DeepArchitecture,
        ...(o.speakerNorm ? { speakerNorm: true } : {}),
        ...(o.preset ? { preset: o.preset as VectorPresetName } : {}),
        ...(o.mixup !== undefined ? { mixup: o.mixup } : {}),
        ensemble: o.ensemble,
        ...(o.protocol ? { protocol: o.protocol as ProtocolName } : {}),
        k: o.k,
        runs: o.runs,
        seed: o.seed,
        ...(o.epochs !== undefined ? { epochs: o.epochs } : {}),
        ...(o.patience !== undefined ? { patience: o.patience } : {}),
        ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
        ...(o.lr !== undefined ? { learningRate: o.lr } : {}),
        augment: o.augment,
        seedRecipe: Boolean(o.seedRecipe),
        cv: o.cv,
        ...(o.out ? { out: o.out } : {}),
        ...(o.workDir ? { workDir: o.workDir } : {}),
        resume: Boolean(o.resume),
        json: Boolean(o.json),
        engine: o.engine as EngineChoice,
        ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}),
        ...(o.corpus ? { corpus: o.corpus as CorpusName } : {}),
      }, io);
    });

  if (argv.length === 0) return openUi('.', { engine: 'auto' }, io);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    io.err(`${describeError(err, argv.includes('--debug'))}\n`);
    return err instanceof SerError ? 1 : 70;
  }
  return exitCode;
}

/** Ink and React load only for the UI, so the plain commands start as fast as before. */
async function openUi(path: string, o: { model?: string; engine: string; follow?: string | boolean }, io: Io): Promise<number> {
  // Ink draws only the last frame when it believes it runs in CI (a CI variable in the environment, read when it is
  // imported); on an interactive terminal that would be a blank screen until exit, so a terminal is not CI here.
  if (process.stdout.isTTY && process.stdin.isTTY && process.env.CI !== undefined) process.env.CI = 'false';
  const { runUi } = await import('./ui/index.js');
  return runUi({
    startDir: path,
    engine: o.engine as EngineChoice,
    ...(o.model ? { model: o.model } : {}),
    ...(o.follow !== undefined ? { view: 'train' as const, ...(typeof o.follow === 'string' ? { follow: o.follow } : {}) } : {}),
  }, io);
}

/** The failed files again at the end, where a long run's reader looks, with the count. */
function reportFailures(io: Io, failed: string[], total: number): void {
  const shown = failed.slice(0, 20);
  io.err(`${failed.length} of ${total} file${total === 1 ? '' : 's'} failed:\n${shown.map((f) => `  ${f}`).join('\n')}\n`);
  if (failed.length > shown.length) io.err(`  ... and ${failed.length - shown.length} more (each named above)\n`);
}

function intOption(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${flag} takes a non-negative integer, got "${value}"`);
    return n;
  };
}

function listOption(flag: string, valid: (x: string) => boolean) {
  return (value: string): string[] => {
    const items = value.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = items.filter((x) => !valid(x));
    if (items.length === 0 || bad.length > 0) throw new InvalidArgumentError(`${flag}: unknown ${bad.join(', ') || 'empty list'}`);
    return [...new Set(items)];
  };
}

function positiveOption(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} takes a positive integer, got "${value}"`);
    return n;
  };
}

function floatOption(flag: string) {
  return (value: string): number => {
    const x = Number(value);
    if (!Number.isFinite(x) || x <= 0) throw new InvalidArgumentError(`${flag} takes a positive number, got "${value}"`);
    return x;
  };
}
