import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CORPUS_NAMES, PROTOCOL_NAMES, SerError, isProtocolName, type CorpusName, type EngineChoice, type ProtocolName } from '@ser/core';
import { CLASSICAL_MODELS, DEEP_ARCHITECTURES, isClassicalModelName, isDeepArchitecture, type ClassicalModelName, type DeepArchitecture } from '@ser/training';
import { compareCommand } from './commands/compare.js';
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
    .command('info')
    .description('summarise audio files: format, codec, sample rate, channels, duration, levels')
    .argument('<files...>', 'audio files (WAV, AIFF, FLAC, MP3, Ogg Vorbis, Opus)')
    .option('--json', 'print a JSON array, one object per file')
    .addHelpText('after', '\nExamples:\n  ser info samples/hello.wav\n  ser info --json recordings/*.wav > summary.json')
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
    .argument('<files...>', 'audio files (WAV, AIFF, FLAC, MP3, Ogg Vorbis, Opus)')
    .option('--model <dir>', 'model folder holding model.onnx and card.json (default: $SER_MODEL_DIR or models/default/)')
    .addOption(new Option('--engine <name>', 'feature engine').choices(['auto', 'native', 'typescript']).default('auto'))
    .option('--json', 'print one JSON object per line: { file, label, scores }')
    .addHelpText('after', '\nExamples:\n  ser predict samples/hello.wav\n  ser predict --json --model models/cnn recordings/*.wav > emotions.jsonl')
    .action(async (files: string[], o: { model?: string; engine: string; json?: boolean }) => {
      const debug = Boolean(program.opts<{ debug?: boolean }>().debug);
      const json = Boolean(o.json);
      const failed = await predictCommand(files, {
        json,
        engine: o.engine as EngineChoice,
        ...(o.model ? { model: o.model } : {}),
        // Text results stream on a terminal and are progress enough; a bar helps when stdout goes elsewhere.
        progress: files.length > 1 && (json || !process.stdout.isTTY),
        onError: (file, err) => io.err(`${describeFileError(file, err, debug)}\n`),
      }, io);
      if (failed > 0) {
        io.err(`${failed} of ${files.length} file${files.length === 1 ? '' : 's'} failed\n`);
        exitCode = 1;
      }
    });

  program
    .command('evaluate')
    .description('cross-validate one classical model on a corpus folder (speaker-independent by default)')
    .argument('<corpus-dir>', 'folder of a corpus (EMO-DB, RAVDESS, TESS, SAVEE, CREMA-D file names)')
    .addOption(new Option('--protocol <name>', 'loso | speaker-kfold | random (default: loso for EMO-DB, speaker-kfold for RAVDESS)').choices([...PROTOCOL_NAMES]))
    .addOption(new Option('--model <name>', 'classifier').choices([...CLASSICAL_MODELS]).default('svm'))
    .option('--k <n>', 'folds of speaker-kfold', intOption('--k'), 5)
    .option('--seed <n>', 'seed of the random split and the models', intOption('--seed'), 0)
    .option('--speaker-norm', 'standardise each speaker with its own statistics (needs several utterances per test speaker)')
    .addOption(new Option('--corpus <name>', 'skip corpus detection').choices([...CORPUS_NAMES]))
    .addOption(new Option('--engine <name>', 'feature engine').choices(['auto', 'native', 'typescript']).default('auto'))
    .option('--cache-dir <dir>', 'feature cache (default $SER_CACHE_DIR or ~/.cache/ser)')
    .option('--json', 'print one JSON object (uar, accuracy, macroF1, labels, confusion, folds ...)')
    .addHelpText('after', '\nExamples:\n  ser evaluate data/emodb --model svm\n  ser evaluate data/ravdess --protocol random --model rf --json')
    .action(async (dir: string, o: { protocol?: string; model: string; k: number; seed: number; speakerNorm?: boolean; corpus?: string; engine: string; cacheDir?: string; json?: boolean }) => {
      await evaluateCommand(dir, {
        ...(o.protocol ? { protocol: o.protocol as ProtocolName } : {}),
        model: o.model as ClassicalModelName,
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
    .option('--out <dir>', 'report folder', 'ser-report')
    .option('--seed <n>', 'seed of the random split and the models', intOption('--seed'), 0)
    .option('--speaker-norm', 'add rows with per-speaker standardisation')
    .addOption(new Option('--engine <name>', 'feature engine').choices(['auto', 'native', 'typescript']).default('auto'))
    .option('--cache-dir <dir>', 'feature cache (default $SER_CACHE_DIR or ~/.cache/ser)')
    .addHelpText('after', '\nExamples:\n  ser compare data/emodb data/ravdess --out reports/classical\n  ser compare data/emodb --models svm,mlp,dnn,vgg2d --protocols default --out reports/deep')
    .action(async (dirs: string[], o: { models: string[]; protocols: string[]; out: string; seed: number; speakerNorm?: boolean; engine: string; cacheDir?: string }) => {
      await compareCommand(dirs, {
        models: o.models as (ClassicalModelName | DeepArchitecture)[],
        protocols: o.protocols as (ProtocolName | 'default')[],
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
    .addOption(new Option('--protocol <name>', 'loso | speaker-kfold | random (default: loso for EMO-DB, speaker-kfold for RAVDESS)').choices([...PROTOCOL_NAMES]))
    .option('--k <n>', 'folds of speaker-kfold', intOption('--k'), 5)
    .option('--runs <n>', 'seeds of the same configuration; reports mean ± std of UAR per fold', positiveOption('--runs'), 1)
    .option('--seed <n>', 'first seed (run r uses seed + 1000 r)', intOption('--seed'), 0)
    .option('--epochs <n>', 'maximum epochs (default 100; 500 with --seed-recipe)', positiveOption('--epochs'))
    .option('--patience <n>', 'early stopping: epochs without a better validation UAR (default 15)', positiveOption('--patience'))
    .option('--batch-size <n>', 'examples per batch (default 32)', positiveOption('--batch-size'))
    .option('--lr <x>', "Adam's learning rate (default 1e-3)", floatOption('--lr'))
    .option('--augment <k>', 'augmented copies (noise, gain, shift, speed) of each training utterance', intOption('--augment'), 0)
    .option('--seed-recipe', "the seed project's configuration: 500 epochs, no validation split, no early stopping")
    .option('--no-cv', 'skip cross-validation (with --out: only train the final model)')
    .option('--out <dir>', 'train the final model on all corpora given and write model.onnx + card.json here')
    .option('--work-dir <dir>', 'checkpoints (default $SER_CACHE_DIR/train/<arch>-s<seed>)')
    .option('--resume', 'continue an interrupted run from its last checkpoints (same arguments)')
    .addOption(new Option('--corpus <name>', 'skip corpus detection').choices([...CORPUS_NAMES]))
    .addOption(new Option('--engine <name>', 'feature engine').choices(['auto', 'native', 'typescript']).default('auto'))
    .option('--cache-dir <dir>', 'feature cache (default $SER_CACHE_DIR or ~/.cache/ser)')
    .option('--json', 'print one JSON object: per corpus the runs, UAR per fold (mean ± std), and the final model')
    .addHelpText('after', '\nExamples:\n  ser train data/emodb --arch vgg2d --runs 3\n  ser train data/emodb data/ravdess --arch resatt2d --out models/mine\n  ser train data/emodb --arch cnn1d --resume')
    .action(async (dirs: string[], o: { arch: string; protocol?: string; k: number; runs: number; seed: number; epochs?: number; patience?: number; batchSize?: number; lr?: number; augment: number; seedRecipe?: boolean; cv: boolean; out?: string; workDir?: string; resume?: boolean; corpus?: string; engine: string; cacheDir?: string; json?: boolean }) => {
      if (!o.cv && !o.out) {
        io.err('error: --no-cv needs --out (otherwise nothing would be trained)\n');
        exitCode = 2;
        return;
      }
      await trainCommand(dirs, {
        arch: o.arch as DeepArchitecture,
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

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    io.err(`${describeError(err, argv.includes('--debug'))}\n`);
    return err instanceof SerError ? 1 : 70;
  }
  return exitCode;
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
