import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CORPUS_NAMES, PROTOCOL_NAMES, SerError, isProtocolName, type CorpusName, type EngineChoice, type ProtocolName } from '@ser/core';
import { CLASSICAL_MODELS, isClassicalModelName, type ClassicalModelName } from '@ser/training';
import { compareCommand } from './commands/compare.js';
import { evaluateCommand } from './commands/evaluate.js';
import { infoCommand } from './commands/info.js';
import { describeError } from './errors.js';
import { processIo, type Io } from './io.js';

const VERSION = '0.1.0';

/** Builds and runs the `ser` command line; resolves to the process exit code. */
export async function run(argv: string[], io: Io = processIo): Promise<number> {
  let exitCode = 0;
  const program = new Command('ser')
    .description('ser: speech emotion recognition: decode, inspect and (soon) classify speech recordings')
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
    .option('--models <list>', `comma-separated, from ${CLASSICAL_MODELS.join(', ')}`, listOption('--models', isClassicalModelName), [...CLASSICAL_MODELS])
    .option('--protocols <list>', `comma-separated, from default, ${PROTOCOL_NAMES.join(', ')} ("default" = the corpus' speaker-independent protocol)`, listOption('--protocols', (x) => x === 'default' || isProtocolName(x)), ['default', 'random'])
    .option('--out <dir>', 'report folder', 'ser-report')
    .option('--seed <n>', 'seed of the random split and the models', intOption('--seed'), 0)
    .option('--speaker-norm', 'add rows with per-speaker standardisation')
    .addOption(new Option('--engine <name>', 'feature engine').choices(['auto', 'native', 'typescript']).default('auto'))
    .option('--cache-dir <dir>', 'feature cache (default $SER_CACHE_DIR or ~/.cache/ser)')
    .addHelpText('after', '\nExample:\n  ser compare data/emodb data/ravdess --out reports/classical')
    .action(async (dirs: string[], o: { models: string[]; protocols: string[]; out: string; seed: number; speakerNorm?: boolean; engine: string; cacheDir?: string }) => {
      await compareCommand(dirs, {
        models: o.models as ClassicalModelName[],
        protocols: o.protocols as (ProtocolName | 'default')[],
        out: o.out,
        seed: o.seed,
        speakerNorm: Boolean(o.speakerNorm),
        engine: o.engine as EngineChoice,
        ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}),
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
