// Chooses one setting of a readout (a rate, a number of epochs) on the validation split, from
// bench:probe's JSON lines, by the rule fixed before the runs (docs/experiments.md, 2026-12-07):
// a setting's score is the mean of the pretrained and the random-init encoder's top-1 (the default
// serves both rows), per seed; the default moves to the best-scoring setting only if that one beats it
// by more than 1 SE of the paired, seed-by-seed difference of scores. Each encoder's own best is
// printed too, so a reader sees whether a setting favours one of them.
//   npm run bench:choose -- --eval att --default ×64 --runs '×16=a.jsonl,×64=b.jsonl,×256=c.jsonl'
import { arg, run } from './cli';
import { paired } from '../src/train/accuracy';
import { readResultLines, type ResultLine } from './resultLines';

interface Setting {
  readonly label: string;
  readonly pre: ResultLine;
  readonly rnd: ResultLine;
  /** Per seed: the mean of the two encoders' top-1. */
  readonly score: readonly number[];
}

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const pct = (v: number) => (v * 100).toFixed(1);

function setting(label: string, file: string, ev: string): Setting {
  const lines = readResultLines(file).filter((r) => r.eval === ev);
  const pre = lines.find((r) => r.encoder === 'pretrained');
  const rnd = lines.find((r) => r.encoder === 'random init');
  if (!pre || !rnd) throw new Error(`${file}: no pretrained and random-init lines for ${ev}`);
  if (pre.split !== 'val') throw new Error(`${file}: read on the ${pre.split} split; choices are made on the validation split`);
  return { label, pre, rnd, score: pre.perSeed.map((p, i) => (p + rnd.perSeed[i]!) / 2) };
}

run(async () => {
  const ev = arg('eval', 'att');
  const settings = arg('runs', '')
    .split(',')
    .map((r) => r.split('='))
    .map(([label, file]) => setting(label!, file!, ev));
  const def = settings.find((s) => s.label === arg('default', ''));
  if (!def) throw new Error(`--default must name one of ${settings.map((s) => s.label).join(', ')}`);
  // The score pools both encoders' readings of the validation images: 2 × valImages per seed.
  const vs = (s: Setting) => paired(s.score, def.score, 2 * s.pre.valImages);
  console.log(`| ${ev} setting | pretrained | random init | score | score − default (paired) |`);
  console.log('| --- | --- | --- | --- | --- |');
  for (const s of settings) {
    const d = vs(s);
    const cmp = s === def ? 'the default' : `${d.delta >= 0 ? '+' : '−'}${pct(Math.abs(d.delta))}, ${d.z >= 0 ? '+' : '−'}${Math.abs(d.z).toFixed(1)} SE`;
    console.log(`| ${s.label} | ${pct(mean(s.pre.perSeed))} | ${pct(mean(s.rnd.perSeed))} | ${pct(mean(s.score))} | ${cmp} |`);
  }
  const best = settings.reduce((a, b) => (mean(b.score) > mean(a.score) ? b : a));
  const moves = best !== def && vs(best).z > 1;
  console.log(
    `\nChosen: ${moves ? best.label : def.label} (${moves ? `beats the default by ${vs(best).z.toFixed(1)} SE` : best === def ? 'the default scores best' : `${best.label} scores best but within 1 SE of the default, which stays`}).`,
  );
  const top = (k: 'pre' | 'rnd') => settings.reduce((a, b) => (mean(b[k].perSeed) > mean(a[k].perSeed) ? b : a)).label;
  console.log(`Each encoder's own best: pretrained ${top('pre')}, random init ${top('rnd')}.`);
});
