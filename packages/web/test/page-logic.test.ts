import { describe, expect, it } from 'vitest';
import { assignLanes } from '../components/analyse/lanes';
import { formatSeconds, timeTicks } from '../components/analyse/time';
import { VIRIDIS_LUT } from '../components/analyse/viridis';
import { batchRows, rowsToCsv, sortRows } from '../components/batch/batch-rows';
import { csvField, toCsv } from '../components/batch/csv';
import { comparisonChart, confusionSources, protocolLines, recallsOf, wrapWords } from '../components/models/figures';
import type { ModelOverview, ReportRow } from '../components/models/evaluation-types';
import { percent } from '../components/common/emotions';

describe('CSV (RFC 4180)', () => {
  it('quotes only fields with a comma, quote or line break, doubling quotes; records end in CRLF', () => {
    expect(csvField('plain.wav')).toBe('plain.wav');
    expect(csvField('a,b.wav')).toBe('"a,b.wav"');
    expect(csvField('say "hi".wav')).toBe('"say ""hi"".wav"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x").wav')).toBe(`"'=HYPERLINK(""x"").wav"`);
    expect(csvField('@sum.wav')).toBe("'@sum.wav");
    expect(csvField('-0.25')).toBe('-0.25');
    expect(toCsv([['a', 'b'], ['1', 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });

  it('writes one row per file, errors in their own column, scores in label order', () => {
    const rows = batchRows({
      labels: ['sad', 'angry'],
      results: [
        { file: 'x.wav', label: 'angry', scores: { sad: 0.25, angry: 0.75 } },
        { file: 'bad, "one".wav', error: 'not audio' },
      ],
    });
    expect(rowsToCsv(rows, ['sad', 'angry'])).toBe(
      'file,label,confidence,sad,angry,error\r\nx.wav,angry,0.750000,0.250000,0.750000,\r\n"bad, ""one"".wav",,,,,not audio\r\n',
    );
  });
});

describe('batch sorting', () => {
  const rows = batchRows({
    labels: ['sad', 'angry'],
    results: [
      { file: 'b.wav', label: 'sad', scores: { sad: 0.6, angry: 0.4 } },
      { file: 'broken.wav', error: 'no' },
      { file: 'a10.wav', label: 'angry', scores: { sad: 0.1, angry: 0.9 } },
      { file: 'a9.wav', label: 'angry', scores: { sad: 0.3, angry: 0.7 } },
    ],
  });
  const files = (r: typeof rows) => r.map((x) => x.file);

  it('sorts numbers either way and keeps failed files last', () => {
    expect(files(sortRows(rows, { key: 'confidence', direction: 'descending' }))).toEqual(['a10.wav', 'a9.wav', 'b.wav', 'broken.wav']);
    expect(files(sortRows(rows, { key: 'confidence', direction: 'ascending' }))).toEqual(['b.wav', 'a9.wav', 'a10.wav', 'broken.wav']);
    expect(files(sortRows(rows, { key: 'score:sad', direction: 'descending' }))).toEqual(['b.wav', 'a9.wav', 'a10.wav', 'broken.wav']);
  });

  it('sorts names naturally and ties by upload order', () => {
    expect(files(sortRows(rows, { key: 'file', direction: 'ascending' }))).toEqual(['a9.wav', 'a10.wav', 'b.wav', 'broken.wav']);
    expect(files(sortRows(rows, { key: 'label', direction: 'ascending' }))).toEqual(['a10.wav', 'a9.wav', 'b.wav', 'broken.wav']);
    expect(files(sortRows(rows, { key: 'index', direction: 'ascending' }))).toEqual(['b.wav', 'broken.wav', 'a10.wav', 'a9.wav']);
  });
});

describe('timeline and axes', () => {
  const seg = (start: number, end: number) => ({ start, end, label: 'sad', scores: { sad: 1 } });
  it('puts overlapping windows on separate lanes and reuses a lane once it is free', () => {
    expect(assignLanes([seg(0, 3), seg(1, 4), seg(2, 5), seg(3, 6), seg(4, 7)])).toEqual([0, 1, 2, 0, 1]);
    expect(assignLanes([seg(0, 1.9)])).toEqual([0]);
  });

  it('labels time and probabilities as people read them', () => {
    expect(formatSeconds(1.25)).toBe('1.3 s');
    expect(formatSeconds(65.3)).toBe('1:05.3');
    expect(timeTicks(9)).toEqual([0, 2, 4, 6, 8]);
    expect(timeTicks(1.9)).toEqual([0, 0.5, 1, 1.5]);
    expect(timeTicks(1.2)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1, 1.2]);
    expect(percent(0.873)).toBe('87%');
    expect(percent(0.001)).toBe('<1%');
    expect(percent(0)).toBe('0%');
  });

  it('maps spectrogram bytes from viridis purple to yellow', () => {
    expect([...VIRIDIS_LUT.slice(0, 3)]).toEqual([0x44, 0x01, 0x54]);
    expect([...VIRIDIS_LUT.slice(255 * 3)]).toEqual([0xfd, 0xe7, 0x25]);
  });
});

describe('model figures', () => {
  const labels = ['sad', 'angry'];
  const row = (model: string, protocolLabel: string, speakerIndependent: boolean, uar: number, confusion: number[][]): ReportRow => ({
    corpus: 'emodb',
    model,
    protocol: speakerIndependent ? 'loso' : 'random',
    protocolLabel,
    speakerIndependent,
    speakerNorm: false,
    uar,
    accuracy: uar,
    macroF1: uar,
    n: 8,
    labels,
    confusion,
    perClass: [],
  });
  const report = [
    row('svm', 'random 80/20, stratified (speaker-dependent)', false, 0.79, [[1, 0], [0, 1]]),
    row('dnn', 'leave-one-speaker-out (speaker-independent)', true, 0.55, [[3, 1], [0, 4]]),
  ];
  const model: ModelOverview = {
    folder: 'default',
    card: {
      name: 'dnn-x',
      architecture: 'dnn',
      description: '',
      labels,
      input: { preset: 'classic193', sampleRate: 16000, shape: [193] },
      normalization: 'none',
      backend: 'cpu',
      opset: 13,
      createdAt: '2026-01-01T00:00:00Z',
      corpora: [{ name: 'emodb', files: 408, speakers: 10, licence: 'research' }],
      protocol: 'x',
      crossValidation: [
        { corpus: 'emodb', protocol: 'leave-one-speaker-out (speaker-independent)', runs: 3, uar: { mean: 0.567, std: 0.04 }, accuracy: { mean: 0.59, std: 0.04 }, perFold: [] },
      ],
      history: [],
      training: {},
    },
  };

  it('says on every protocol whether speakers were kept apart', () => {
    expect(protocolLines('leave-one-speaker-out (speaker-independent)')).toEqual(['leave-one-speaker-out', 'speaker-independent']);
    expect(protocolLines('random 80/20, stratified (speaker-dependent)', true)).toEqual(['random 80/20, stratified + speaker norm', 'speaker-dependent']);
  });

  it('groups the comparison by corpus and protocol, speaker-independent before the random split', () => {
    const chart = comparisonChart([model], report);
    expect(chart.series.map((s) => s.name)).toEqual(['models/default (dnn)', 'SVM (RBF)', 'dnn']);
    expect(chart.groups.map((g) => g.lines)).toEqual([
      ['emodb', 'leave-one-speaker-out', 'speaker-independent'],
      ['emodb', 'random 80/20, stratified', 'speaker-dependent'],
    ]);
    expect(chart.groups[0]!.values).toEqual({ 'folder:default': 0.567, 'report:dnn': 0.55 });
    expect(chart.groups[0]!.spread).toEqual({ 'folder:default': 0.04 });
  });

  it('takes the confusion matrix from the card, else from the report run of the same architecture', () => {
    const sources = confusionSources(model, report);
    expect(sources).toHaveLength(1);
    expect(sources[0]!.caption).toMatch(/evaluation report's run of dnn/);
    expect(recallsOf(sources[0]!.confusion)).toEqual([
      { label: 'sad', recall: 0.75, support: 4 },
      { label: 'angry', recall: 1, support: 4 },
    ]);
  });
});

describe('chart labels', () => {
  it('wraps long protocol names at spaces', () => {
    expect(wrapWords('random 80/20, stratified', 16)).toEqual(['random 80/20,', 'stratified']);
    expect(wrapWords('leave-one-speaker-out', 16)).toEqual(['leave-one-speaker-out']);
  });
});
