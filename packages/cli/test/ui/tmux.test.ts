/**
 * End to end: the compiled UI in a real terminal (tmux, 120 x 40, NO_COLOR so captures are plain text), driven with
 * send-keys and read with capture-pane, over EMO-DB recordings and the default model. Writes a text capture of each
 * view to $SER_UI_CAPTURES (default /tmp/ui-captures) for the README.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** How the UI is started, from the repository root; arguments follow. */
const UI_COMMAND = 'node packages/cli/bin/ser.js ui';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../../..');
const dataDir = process.env.SER_DATA_DIR ?? resolve(repo, '../shared/data');
const emodb = [join(dataDir, 'emodb', 'wav'), join(dataDir, 'emodb')].find((d) => existsSync(join(d, '03a01Fa.wav')));
const captures = process.env.SER_UI_CAPTURES ?? '/tmp/ui-captures';
const COLUMNS = 120;
const ROWS = 40;

function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const missing = [
  ...(hasTmux() ? [] : ['tmux (apt-get install -y tmux)']),
  ...(emodb ? [] : [`EMO-DB under ${dataDir} (set SER_DATA_DIR)`]),
  ...(existsSync(join(repo, 'models', 'default', 'card.json')) ? [] : ['models/default']),
  ...(existsSync(join(repo, 'packages', 'cli', 'dist', 'ui', 'index.js')) ? [] : ['the built cli (npx tsc -p tsconfig.build.json in packages/cli)']),
];
if (missing.length > 0) console.warn(`skipping the tmux end-to-end test: missing ${missing.join('; ')}`);

/** A private tmux server, so the test never touches the user's sessions. */
const socket = `ser-ui-e2e-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const PROMPT = 'ser-e2e$';

function pane(): string {
  return tmux('capture-pane', '-p', '-t', 'ui');
}

// Generous waits: CI runs this beside Chromium and training tests on two cores, where a screen can take many seconds.
async function waitForPane(test: (text: string) => boolean, what: string, timeoutMs = 45_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const text = pane();
    if (test(text)) return text;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the pane shows:\n${text}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Keys by tmux name (Enter, Escape, BSpace) or literal text. */
function keys(...k: string[]): void {
  for (const key of k) {
    if (/^(Enter|Escape|BSpace|Up|Down|Left|Right|C-c)$/.test(key)) tmux('send-keys', '-t', 'ui', key);
    else tmux('send-keys', '-t', 'ui', '-l', key);
  }
}

function save(view: string, text: string): void {
  mkdirSync(captures, { recursive: true });
  writeFileSync(join(captures, `${view}.txt`), `${text.replace(/\s+$/, '')}\n`);
}

/** The shell prompt on the last non-empty line: the UI has exited and left the screen as it was. */
const atPrompt = (text: string) => text.trimEnd().split('\n').at(-1)?.trim() === PROMPT;

describe.skipIf(missing.length > 0)(`ser ui in tmux (${COLUMNS}x${ROWS})`, () => {
  const work = mkdtempSync(join(tmpdir(), 'ser-ui-e2e-'));
  afterAll(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
  });

  it('browses, filters, analyses a file, shows help, compares a folder, follows training, and quits cleanly', async () => {
    const labels = (JSON.parse(readFileSync(join(repo, 'models', 'default', 'card.json'), 'utf8')) as { labels: string[] }).labels;

    // A small folder for the compare view: links to five recordings.
    const small = join(work, 'five');
    mkdirSync(small);
    const five = readdirSync(emodb!).filter((n) => n.endsWith('.wav')).sort().slice(0, 5);
    for (const n of five) symlinkSync(join(emodb!, n), join(small, n));
    // A training run for the dashboard to find in the cache folder.
    const run = join(work, 'cache', 'train', 'vgg2d-s0');
    mkdirSync(run, { recursive: true });
    writeFileSync(join(run, 'progress.jsonl'), trainingLog());

    // CI=true as CI machines set it: the UI must still draw on a terminal (Ink would otherwise wait for exit).
    const env = [`NO_COLOR=1`, 'CI=true', `SER_CACHE_DIR=${join(work, 'cache')}`, `PS1=${PROMPT} `, 'TERM=xterm-256color'];
    tmux('new-session', '-d', '-s', 'ui', '-x', String(COLUMNS), '-y', String(ROWS), '-c', repo, 'env', ...env, 'bash', '--norc', '--noprofile');
    await waitForPane(atPrompt, 'the shell prompt');

    // Browser over the EMO-DB folder.
    keys(`${UI_COMMAND} ${emodb}`, 'Enter');
    let text = await waitForPane((t) => t.includes('ser · files') && t.includes('03a01Fa.wav') && t.includes('model '), 'the browser', 120_000);
    expect(text).toMatch(/\d+ audio files, 0 folders/);
    save('browser', text);

    // Filter by name.
    keys('/', '03a01');
    text = await waitForPane((t) => t.includes('filter: 03a01') && !t.includes('03a02'), 'the filter');
    keys('Enter');
    text = await waitForPane((t) => t.includes('· Esc clears it)'), 'the kept filter');
    expect(text).toContain('03a01Fa.wav');
    expect(text).toContain('(3 matches');
    save('browser-filter', text);

    // Open 03a01Fa.wav (the first match, selected) and wait for the emotions.
    keys('Enter');
    text = await waitForPane((t) => t.includes('emotion:'), 'the probabilities', 120_000);
    for (const l of labels) expect(text).toContain(l);
    const top = text.split('\n').find((l) => l.includes('› '))!;
    expect(labels.some((l) => top.includes(` ${l} `))).toBe(true);
    expect(text).toContain('03a01Fa.wav');
    expect(text).toMatch(/^wave +[\u2800-\u28ff]/m);
    expect(text).toMatch(/^mean +\S/m);
    save('file', text);

    // Help, and back.
    keys('?');
    text = await waitForPane((t) => t.includes('keys: file view'), 'the help');
    expect(text).toContain('next or previous audio file of the folder');
    save('help', text);
    keys('Escape');
    await waitForPane((t) => t.includes('emotion:') && !t.includes('keys: file view'), 'the file view again');
    keys('Escape');
    await waitForPane((t) => t.includes('ser · files') && t.includes('filter: 03a01'), 'the browser again');

    // Quit, and the shell is back with exit status 0.
    keys('q');
    await waitForPane(atPrompt, 'the shell after q');
    keys('echo ui-exit=$?', 'Enter');
    await waitForPane((t) => t.includes('ui-exit=0'), 'the exit status');

    // Compare view on the small folder.
    keys('clear', 'Enter', `${UI_COMMAND} ${small}`, 'Enter');
    await waitForPane((t) => t.includes('ser · files') && t.includes(five[0]!), 'the small folder');
    keys('c');
    text = await waitForPane((t) => t.includes('classified 5/5'), 'five classifications', 120_000);
    for (const n of five) expect(text).toMatch(new RegExp(`${n.replace('.', '\\.')} +(${labels.join('|')}) `));
    save('compare', text);
    keys('s', 's');
    text = await waitForPane((t) => t.includes('confidence ▼'), 'sorting by confidence');
    save('compare-sorted', text);

    // Training dashboard from the browser.
    keys('Escape', 't');
    text = await waitForPane((t) => t.includes('training vgg2d on emodb') && t.includes('folds done'), 'the training dashboard');
    save('train', text);

    // Ctrl-C quits too.
    keys('C-c');
    await waitForPane(atPrompt, 'the shell after Ctrl-C');
    keys('echo ui-exit=$?', 'Enter');
    await waitForPane((t) => t.includes('ui-exit=0'), 'the exit status after Ctrl-C');
  }, 600_000);
});

/** A run in progress: fold 1 done, fold 2 at epoch 14 (as `ser train` writes it). */
function trainingLog(): string {
  const t0 = Date.now() - 20 * 60_000;
  let k = 0;
  const time = () => new Date(t0 + 25_000 * k++).toISOString();
  const lines: unknown[] = [{ type: 'start', arch: 'vgg2d', corpora: ['../shared/data/emodb'], runs: 1, resumed: false, time: time() }];
  for (const [fold, epochs] of [[1, 28], [2, 14]] as const) {
    for (let e = 1; e <= epochs; e++) {
      lines.push({
        type: 'epoch', stage: `emodb run 1/1 fold ${fold}/8 (loso-0${fold + 2})`, corpus: 'emodb', run: 1, runs: 1, fold, folds: 8,
        foldName: `loso-0${fold + 2}`, epoch: e, epochs: 100, loss: 1.9 * Math.exp(-e / 9) + 0.35 + 0.03 * Math.sin(e),
        accuracy: Math.min(0.93, 0.22 + 0.026 * e), valUar: Math.min(0.66, 0.16 + 0.5 * (1 - Math.exp(-e / 7))) + 0.02 * Math.sin(1.7 * e),
        seconds: 24 + (e % 3), etaSeconds: (100 - e) * 25, time: time(),
      });
    }
    if (fold === 1) lines.push({ type: 'fold', corpus: 'emodb', run: 1, fold: 1, folds: 8, foldName: 'loso-03', uar: 0.618, epochs: 28, time: time() });
  }
  return lines.map((l) => `${JSON.stringify(l)}\n`).join('');
}
