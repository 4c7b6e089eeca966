// The paper's Table 1 experiment in miniature, in Node, with the worker's own code (BatchLoader,
// CaeTrainer, ProbeRun): for each seed, pretrain a preset from that seed's init, then read the
// pretrained encoder and the same init left untrained (the random-init baseline) with the asked
// evaluations on that seed's images. Seeds run in parallel processes (`--jobs`, default: one per
// core), and the parent combines them: mean, sd, SE = max(binomial, sd/√seeds), and the paired
// pretrained − random-init difference per evaluation (same seed, same images).
// One JSON line per pretraining, per encoder and evaluation, per comparison, and a total.
//   npm run bench:probe -- --quick                      the notebook's default experiment, its seeds
//   npm run bench:probe -- --preset mini --steps 8000 --evals lin,att,knn --seeds 3 --split val
// Flags (defaults: the notebook's default experiment):
//   --preset, --dataset (shapes-easy, shapes, fashion-mnist), --steps, --batch, --model key=value,...
//   --seeds N (seeds 0..N−1, or from --seed-from K), --jobs N, --split test|val (val: carved from the training images, for choosing)
//   --evals lin,att,knn,ft, --linear logistic|official, --epochs (LIN official), --att-cap (ATT's epoch cap)
//   --train-images, --val-images, --lin-lr, --att-lr, --ft-lr, --ft-epochs, --label-fraction, --ft-augment 0|1
//   --bn batch|running, --pooling cls|mean, --backend wasm|cpu|webgpu
//   --target pixel|token (Table 8): token trains each seed's d-VAE tokenizer on the pretraining images
//   first (--tok-steps, --tok-batch: the Tokenizer view's default budget, 200 × 64; --tok-k, --tok-width,
//   --tok-lr, --tok-beta; counted in the budget: its own JSON line),
//   or reads one with --tokenizer FILE ({seed} as for --encoder); --save also keeps the tokenizers
//   --save PREFIX (keep each seed's checkpoint as PREFIX-seedK.safetensors), --encoder FILE (probe a
//   checkpoint instead of pretraining; {seed} in FILE reads each seed's own, e.g. PREFIX-seed{seed}.safetensors,
//   and --steps labels it), --curves (per-epoch points of the first seed)
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { arg, run } from './cli';
import { combineSeeds, type SeedResult } from '../src/worker/seedSummary';
import { runSeed } from './probeSeed';
import { DEFAULT_EXPERIMENT } from '../src/train/evalDefaults';

const flag = (name: string) => process.argv.includes(`--${name}`);

/** One seed in a child process: its JSON line, its wall time. */
function child(seed: number): Promise<SeedResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [process.argv[1]!, ...process.argv.slice(2), '--child', String(seed)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{"phase":"seed"'));
      if (code !== 0 || !line) reject(new Error(`seed ${seed} failed (exit ${code})\n${out.slice(-2000)}`));
      else resolve(JSON.parse(line) as SeedResult);
    });
  });
}

async function parent(): Promise<void> {
  const quick = flag('quick');
  const seeds = Number(arg('seeds', String(quick ? DEFAULT_EXPERIMENT.quickSeeds : 3)));
  const jobs = Math.max(1, Math.min(seeds, Number(arg('jobs', String(availableParallelism())))));
  const from = Number(arg('seed-from', '0'));
  const t0 = performance.now();
  const results: SeedResult[] = [];
  let next = 0;
  // A pool of `jobs` processes over the seeds, each seed in a fresh process (TF.js's WASM backend
  // runs one thread here, so processes are how the experiment uses every core).
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < seeds) {
        const seed = from + next++;
        const r = await child(seed);
        if (r.tokenizer) console.log(JSON.stringify(r.tokenizer));
        if (r.pretrain) console.log(JSON.stringify(r.pretrain));
        results.push(r);
      }
    }),
  );
  results.sort((a, b) => a.seed - b.seed);
  for (const line of combineSeeds(results, { quick, experimentSeeds: DEFAULT_EXPERIMENT.seeds })) console.log(JSON.stringify(line));
  const seconds = (performance.now() - t0) / 1000;
  // The speed-up is the CPU time the seeds' processes used over the wall time: how many cores the
  // experiment kept busy (each seed's wall time would overstate it when processes outnumber cores).
  const cpu = results.reduce((a, r) => a + (r.cpuSeconds ?? r.seconds), 0);
  console.log(
    JSON.stringify({
      phase: 'total',
      target: arg('target', 'pixel'),
      seconds: Math.round(seconds),
      seeds,
      jobs,
      cpuSeconds: Math.round(cpu),
      speedup: round(cpu / seconds),
    }),
  );
}

const round = (v: number) => Math.round(v * 100) / 100;

const childSeed = arg('child', '');
run(async () => {
  if (childSeed === '') return parent();
  const r = await runSeed(Number(childSeed));
  console.log(JSON.stringify(r));
});
