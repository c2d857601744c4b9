import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { main, parseArgs, runEval, sampleShots, UsageError } from '../../../scripts/kb-eval.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, 'fixtures');

const FIELDS = ['cases', 'top1Accuracy', 'top3Recall', 'answerAccuracy', 'oosRecall', 'wrongAnswerRate', 'medianMs', 'p99Ms', 'trainMs'] as const;

describe('kb-eval', () => {
  it('evaluates a KB with JSONL cases through the bot pipeline (human requests are handed off)', async () => {
    const r = await runEval({ kb: path.join(fixtures, 'tiny-kb.yaml'), cases: path.join(fixtures, 'tiny-cases.jsonl') });
    for (const f of FIELDS) expect(typeof r[f]).toBe('number');
    expect(r.cases).toBe(6);
    expect(r.inScope).toBe(4);
    expect(r.outOfScope).toBe(2);
    expect(r.humanRequestRate).toBeCloseTo(1 / 6);
    expect(r.top1Accuracy).toBe(1);
    expect(r.oosRecall).toBe(1);
    expect(r.wrongAnswerRate).toBe(0);
    for (const f of ['top1Accuracy', 'top3Recall', 'answerAccuracy', 'oosRecall', 'wrongAnswerRate'] as const) {
      expect(r[f]).toBeGreaterThanOrEqual(0);
      expect(r[f]).toBeLessThanOrEqual(1);
    }
    expect(r.trainMs).toBeGreaterThan(0);
    expect(r.p99Ms).toBeGreaterThanOrEqual(r.medianMs);
  });

  it('evaluates a dataset folder, choosing the threshold on val with oos', async () => {
    const r = await runEval({ dataset: path.join(fixtures, 'tiny-dataset') });
    expect(r.mode).toBe('dataset');
    expect(r.entries).toBe(4); // "oos" is never an entry
    expect(r.phrasings).toBe(24);
    expect(r.cases).toBe(8);
    expect(r.outOfScope).toBe(2);
    expect(r.thresholdNote).toMatch(/val\.json/);
    expect(r.top1Accuracy).toBeGreaterThanOrEqual(5 / 6);
  });

  it('keeps the asked out-of-scope recall on val with --min-oos-recall', async () => {
    const r = await runEval({ dataset: path.join(fixtures, 'tiny-dataset'), minOosRecall: 1 });
    expect(r.thresholdNote).toMatch(/oosRecall >= 1/);
    expect(r.thresholdNote).toMatch(/there: answerAccuracy [\d.]+%, oosRecall 100\.00%/);
    expect(parseArgs(['--dataset', 'd', '--min-oos-recall', '0.7']).minOosRecall).toBe(0.7);
    expect(() => parseArgs(['--dataset', 'd', '--min-oos-recall', '70'])).toThrow(/from 0 to 1/);
    expect(() => parseArgs(['--kb', 'k', '--cases', 'c', '--min-oos-recall', '0.5'])).toThrow(/--dataset only/);
  });

  it('prints the JSON object as the last line with --json', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
    try {
      const code = await main(['--dataset', path.join(fixtures, 'tiny-dataset'), '--shots', '3', '--seed', '1', '--json']);
      expect(code).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const last = JSON.parse(lines.at(-1)!.split('\n').at(-1)!);
    for (const f of FIELDS) expect(typeof last[f]).toBe('number');
    expect(last.phrasings).toBe(12); // 3 shots x 4 labels
  });

  it('rejects bad arguments with usage and exit code 2', async () => {
    expect(() => parseArgs([])).toThrow(UsageError);
    expect(() => parseArgs(['--kb', 'x.yaml'])).toThrow(/go together/);
    expect(() => parseArgs(['--dataset', 'd', '--kb', 'k'])).toThrow(/either/);
    expect(() => parseArgs(['--dataset', 'd', '--shots', 'zero'])).toThrow(/positive integer/);
    expect(() => parseArgs(['--kb', 'k', '--cases', 'c', '--shots', '3'])).toThrow(/--dataset only/);
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await main(['--what'])).toBe(2);
      expect(await main(['--kb', path.join(fixtures, 'missing.yaml'), '--cases', path.join(fixtures, 'tiny-cases.jsonl')])).toBe(2);
      expect(err.mock.calls.flat().join('\n')).toMatch(/Usage:/);
    } finally {
      err.mockRestore();
    }
  });

  it('samples the same N shots per label for the same seed', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ text: `t${i}`, label: `l${i % 4}` }));
    const a = sampleShots(rows, 3, 42);
    expect(a).toHaveLength(12);
    expect(sampleShots(rows, 3, 42)).toEqual(a);
    expect(sampleShots(rows, 3, 7)).not.toEqual(a);
    for (const l of ['l0', 'l1', 'l2', 'l3']) expect(a.filter((r) => r.label === l)).toHaveLength(3);
  });
});
