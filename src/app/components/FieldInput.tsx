// One config field as an input with its hint (unit, the paper's value) beside it; numbers are
// parsed on change, validated when the run starts. The hint sits outside the <label>, so the
// input's accessible name is the field's name alone.
import type { Field } from './fields';

export function FieldInput<K extends string>(props: { field: Field<K>; value: unknown; disabled: boolean; onChange: (v: unknown) => void }) {
  const { field, value, disabled, onChange } = props;
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
      <input
        id={id}
        type="number"
        step={field.kind === 'int' ? 1 : 'any'}
        defaultValue={String(value)}
        key={String(value)}
        disabled={disabled}
        onBlur={(e) => onChange(field.kind === 'int' ? Math.round(Number(e.target.value)) : Number(e.target.value))}
      />
    );
  return (
    <div className="field" title={field.help}>
      <label htmlFor={id}>{field.label}</label>
      <span>{input}</span>
      <span className="hint">{field.hint}</span>
    </div>
  );
}
