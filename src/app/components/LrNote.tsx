// The note under the learning-rate fields: the peak rate by linear scaling, and by what factor the
// preset's base rate differs from the paper's. It says nothing about a factor while a field it needs
// is empty or invalid (the field itself says what is wrong), so it never reads "raises it 0×".
import { peakLr, PAPER_TRAIN, type TrainConfig } from '../../train/config';

const positive = (v: number) => Number.isFinite(v) && v > 0;

export function lrNoteText(t: Pick<TrainConfig, 'baseLr' | 'batchSize' | 'baseBatch'>): string {
  if (!positive(t.baseLr) || !positive(t.batchSize) || !positive(t.baseBatch))
    return 'Peak lr = base lr × batch / reference batch (linear scaling, as the paper): set all three to see it.';
  const peak = peakLr(t);
  const paperPeak = peakLr({ ...PAPER_TRAIN, batchSize: t.batchSize });
  const head = `Peak lr = base lr × batch / reference batch = ${peak.toExponential(2)} (linear scaling, as the paper).`;
  if (Math.abs(peak - paperPeak) <= 1e-12) return head;
  const factor = peak / paperPeak;
  const times = Number(factor.toPrecision(factor >= 10 ? 3 : 2));
  return `${head} The paper's 1.5e-3 at 2048 would give ${paperPeak.toExponential(2)}; this recipe ${
    factor > 1 ? `raises it ${times}× so a short run shows learning` : `lowers it to ${times}× of that`
  }.`;
}

export function LrNote({ train }: { train: TrainConfig }) {
  return (
    <p data-testid="pretrain.lr-note" className="hint" style={{ margin: '6px 0 0' }}>
      {lrNoteText(train)}
    </p>
  );
}
