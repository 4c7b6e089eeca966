// The findings the Probe view shows are the raw bench:probe lines kept in docs/experiments/, rounded as
// the view prints them: a re-run that changes a number fails here until the view says the same.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEASURED, FASHION_MEASURED, WIDER_MEASURED, verdict, type MeasuredExperiment } from './defaultExperiment';

const NAMES: Record<string, string> = { lin: 'LIN', att: 'ATT', 'knn-cls': 'kNN CLS', 'knn-mean': 'kNN mean' };

interface Line {
  readonly encoder?: string;
  readonly eval?: string;
  readonly compare?: string;
  readonly top1?: number;
  readonly z?: number;
  readonly seeds?: number;
  readonly split?: string;
  readonly encoderParams?: number;
}

/** The JSON lines of one kept bench:probe output file. */
function readLines(file: string): Line[] {
  return readFileSync(join(process.cwd(), 'docs', 'experiments', file), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
}

/** What a bench:probe output file says, in the shape the view holds (%, one decimal; z, one decimal). */
function fromLines(file: string): Pick<MeasuredExperiment, 'seeds' | 'split' | 'readouts' | 'attOverLin'> {
  const lines = readLines(file);
  const top = (enc: string, ev: string) => Math.round(1000 * lines.find((l) => l.encoder === enc && l.eval === ev && l.top1 !== undefined)!.top1!) / 10;
  const z = (c: Line | undefined) => Math.round(10 * c!.z!) / 10;
  const vs = lines.filter((l) => l.compare === 'pretrained − random init');
  return {
    seeds: vs[0]!.seeds!,
    split: vs[0]!.split as 'test' | 'val',
    readouts: Object.keys(NAMES).map((ev) => ({
      readout: NAMES[ev]!,
      pretrained: top('pretrained', ev),
      random: top('random init', ev),
      z: z(vs.find((l) => l.eval === ev)),
    })),
    attOverLin: z(lines.find((l) => l.compare === 'ATT − LIN' && l.encoder === 'pretrained')),
  };
}

const shown = (m: MeasuredExperiment) => ({ seeds: m.seeds, split: m.split, readouts: m.readouts, attOverLin: m.attOverLin });

describe('the measured findings the Probe view shows', () => {
  it("are the default experiment's kept lines (micro, 16 000 steps, shapes-easy, test split)", () => {
    expect(shown(DEFAULT_MEASURED)).toEqual(fromLines('micro-shapes-easy-16000-test.jsonl'));
  });

  it("are the same experiment's kept lines on Fashion-MNIST", () => {
    expect(shown(FASHION_MEASURED)).toEqual(fromLines('micro-fashion-mnist-16000-test.jsonl'));
  });

  it("are the wider encoder's kept lines (mini's width and depth at micro's patches, 8 000 steps)", () => {
    expect(shown(WIDER_MEASURED)).toEqual(fromLines('mini-p8-shapes-easy-8000-test.jsonl'));
    // The title's encoder size is the one the lines measured.
    const first = readLines('mini-p8-shapes-easy-8000-test.jsonl').find((l) => l.encoderParams !== undefined)!;
    expect(WIDER_MEASURED.title).toContain(`${Math.round(first.encoderParams! / 1000)} k encoder parameters`);
  });

  it("quote the wider encoder's 16 000-step lines in their footnote", () => {
    const at16k = fromLines('mini-p8-shapes-easy-16000-test.jsonl');
    const att = at16k.readouts.find((r) => r.readout === 'ATT')!;
    expect(WIDER_MEASURED.footnote).toContain(`ATT ${att.pretrained.toFixed(1)} against ${att.random.toFixed(1)} (+${att.z.toFixed(1)} SE)`);
    for (const r of at16k.readouts.filter((x) => x.readout !== 'ATT')) expect(WIDER_MEASURED.footnote).toContain(`${r.readout} +${r.z.toFixed(1)}`);
  });

  it("quote the mini preset's own 4-px run (4 000 steps) in the same footnote, with its verdicts", () => {
    // The raw z's, two decimals as the lines keep them: kNN CLS's 1.95 would round up to the 2.0 that counts as a lead.
    const vs = readLines('mini-p4-shapes-easy-4000-test.jsonl').filter((l) => l.compare === 'pretrained − random init');
    const z = (ev: string) => vs.find((l) => l.eval === ev)!.z!;
    const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;
    expect(WIDER_MEASURED.footnote).toContain(`kNN mean ${signed(z('knn-mean'))} SE`);
    expect(verdict(z('knn-mean'))).toBe('pretrained ahead');
    for (const ev of ['lin', 'att', 'knn-cls']) {
      expect(WIDER_MEASURED.footnote).toContain(`${NAMES[ev]} (${signed(z(ev))}`);
      expect(verdict(z(ev))).toBe('tie');
    }
  });
});
