// The loss charts' controls, the same in Pretrain and Compare: the loss axis (log or linear) and
// TensorBoard's smoothing, one setting in the store (kept across reloads), and the x range shown,
// which each chart keeps for itself (a step range in Pretrain, steps or images in Compare).
import { useState } from 'react';
import { MAX_SMOOTHING } from '../smoothing';
import { useStore } from '../store';
import type { AxisScale } from '../ticks';
import '../charts.css';

export type XRange = readonly [number, number] | null;

/** The range from the two fields: either may be empty (the data's own end); nonsense is ignored. */
export function parseRange(from: string, to: string): XRange {
  const a = from.trim() === '' ? -Infinity : Number(from);
  const b = to.trim() === '' ? Infinity : Number(to);
  if (Number.isNaN(a) || Number.isNaN(b) || (a === -Infinity && b === Infinity)) return null;
  return b > a ? [a, b] : null;
}

export function ChartControls({ testId, xLabel, onRange }: { testId: string; xLabel: string; onRange: (r: XRange) => void }) {
  const chart = useStore((s) => s.chart);
  const { setChart } = useStore.getState();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const bad = (from !== '' || to !== '') && parseRange(from, to) === null;
  const update = (f: string, t: string) => {
    setFrom(f);
    setTo(t);
    onRange(parseRange(f, t));
  };
  return (
    <div className="chart-controls" role="group" aria-label="chart settings">
      <label title="a log axis shows the fall of a loss over decades; a linear one shows small differences late in a run">
        loss axis{' '}
        <select data-testid={`${testId}.scale`} value={chart.scale} onChange={(e) => setChart({ scale: e.target.value as AxisScale })}>
          <option value="log">log</option>
          <option value="linear">linear</option>
        </select>
      </label>
      <label title="TensorBoard's smoothing: a moving average of the losses, debiased at the start (0: none; 0.99: over about 100 points). The learning rate is not smoothed.">
        smoothing{' '}
        <input
          data-testid={`${testId}.smoothing`}
          type="range"
          min={0}
          max={MAX_SMOOTHING}
          step={0.01}
          value={chart.smoothing}
          onChange={(e) => setChart({ smoothing: Number(e.target.value) })}
        />{' '}
        <output data-testid={`${testId}.smoothing-value`}>{chart.smoothing.toFixed(2)}</output>
      </label>
      <span>
        <RangeField label={`${xLabel} from`} testId={`${testId}.from`} value={from} placeholder="start" bad={bad} onChange={(v) => update(v, to)} />{' '}
        <RangeField label="to" testId={`${testId}.to`} value={to} placeholder="end" bad={bad} onChange={(v) => update(from, v)} />{' '}
        {(from !== '' || to !== '') && (
          <button type="button" data-testid={`${testId}.all`} onClick={() => update('', '')}>
            all
          </button>
        )}
        {bad && <span className="field-error"> the end must be after the start</span>}
      </span>
    </div>
  );
}

/** One end of the x range: a number field, empty for the data's own end. */
function RangeField(props: { label: string; testId: string; value: string; placeholder: string; bad: boolean; onChange: (v: string) => void }) {
  return (
    <label>
      {props.label}{' '}
      <input
        data-testid={props.testId}
        type="number"
        inputMode="numeric"
        className="range-field"
        value={props.value}
        placeholder={props.placeholder}
        aria-invalid={props.bad || undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}
