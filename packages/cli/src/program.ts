import { Command, CommanderError } from 'commander';
import { SerError } from '@ser/core';
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

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    io.err(`${describeError(err, argv.includes('--debug'))}\n`);
    return err instanceof SerError ? 1 : 70;
  }
  return exitCode;
}
