// One config field as an input with its hint (unit, the paper's value) beside it. Numbers reach the
// form as the user types, unrounded, and an empty field as NaN (an error, never 0), so the form's
// check (../validation.ts) can say what is wrong beside the field while it is being typed. The hint
// sits outside the <label>, so the input's accessible name is the field's name alone.
import { type CSSProperties, useState } from 'react';
import type { Field } from './fields';

/** The text's number: NaN for an empty field or one that is not a number. */
export const parseNumber = (text: string): number => (text.trim() === '' ? NaN : Number(text));
const sameNumber = (a: number, b: unknown) => a === b || (Number.isNaN(a) && (b === null || b === undefined || Number.isNaN(b)));
const shown = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : '');

/**
 * A number input that keeps what the user typed ("1." while typing 1.5) and follows the value when it
 * changes from outside (a preset, warmup following the steps).
 */
export function NumberInput(props: {
  id: string;
  value: unknown;
  disabled: boolean;
  step: number | 'any';
  problem: string | null;
  testId?: string;
  label?: string;
  style?: CSSProperties;
  onChange: (v: number) => void;
}) {
  const { value, onChange } = props;
  const [text, setText] = useState(() => shown(value));
  const [seen, setSeen] = useState(value);
  // The value changed from outside: show it, unless the text already says it (React's "adjusting
  // state when a prop changes", done while rendering rather than in an effect).
  if (!Object.is(seen, value)) {
    setSeen(value);
    if (!sameNumber(parseNumber(text), value)) setText(shown(value));
  }
  return (
    <input
      id={props.id}
      type="number"
      step={props.step}
      value={text}
      disabled={props.disabled}
      data-testid={props.testId}
      aria-label={props.label}
      aria-invalid={props.problem ? true : undefined}
      aria-describedby={props.problem ? `${props.id}-problem` : undefined}
      style={props.style}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parseNumber(e.target.value));
      }}
    />
  );
}

/** A field's problem in words, beside it (the input names it in aria-describedby). */
export function FieldProblem(props: { id: string; problem: string | null; testId?: string }) {
  if (!props.problem) return null;
  return (
    <span id={`${props.id}-problem`} className="hint field-problem" data-testid={props.testId} style={{ color: 'var(--error)' }}>
      {props.problem}
    </span>
  );
}

export function FieldInput<K extends string>(props: {
  field: Field<K>;
  value: unknown;
  disabled: boolean;
  problem?: string | null;
  onChange: (v: unknown) => void;
}) {
  const { field, value, disabled, onChange } = props;
  const problem = props.problem ?? null;
  const id = `field-${field.key}`;
  let input;
  if (field.kind === 'bool')
    input = <input id={id} type="checkbox" checked={Boolean(value)} disabled={disabled} onChange={(e) => onChange(e.target.checked)} />;
  else if (field.kind === 'select')
    input = (
      <select id={id} value={String(value)} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
        {field.options!.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    );
  else
    input = (
      <NumberInput
        id={id}
        step={field.kind === 'int' ? 1 : 'any'}
        value={value}
        disabled={disabled}
        problem={problem}
        testId={field.testId}
        onChange={onChange}
      />
    );
  return (
    <div className="field" title={field.help}>
      <label htmlFor={id}>{field.label}</label>
      <span>{input}</span>
      {problem ? <FieldProblem id={id} problem={problem} testId={`problem.${field.key}`} /> : <span className="hint">{field.hint}</span>}
    </div>
  );
}
