// The evaluation form built from its Field table (evalFields.ts): every number field reads its value
// from the probe form and writes it back through the store to the same place, rounding whole
// numbers; and the form, rendered on the server, shows each field with its label, help and test id.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../store';
import { EvalRecipe } from './EvalRecipe';
import { EVAL_FIELDS, evalPatch, evalValue, type EvalFieldKey } from './evalFields';

/** Applies a field's patch as EvalRecipe does. */
function setField(k: EvalFieldKey, v: number): void {
  const { probeForm, editProbe, editEvaluation } = useStore.getState();
  const p = evalPatch(probeForm, k, v);
  if (p.form || p.probe) editProbe(p.form ?? {}, p.probe);
  if (p.evaluation) editEvaluation(p.evaluation);
}

describe('the evaluation recipe from its Field table', () => {
  beforeEach(() => useStore.getState().reset());

  it('writes each field where it reads it, and only there', () => {
    for (const field of EVAL_FIELDS) {
      useStore.getState().reset();
      const before = useStore.getState().probeForm;
      const others = EVAL_FIELDS.filter((o) => o.key !== field.key).map((o) => [o.key, evalValue(before, o.key)]);
      const v = evalValue(before, field.key) + 3.4;
      setField(field.key, v);
      const after = useStore.getState().probeForm;
      // As typed, not rounded: a whole-number field given a fraction shows an error (evalValidation.ts).
      expect([field.key, evalValue(after, field.key)]).toEqual([field.key, v]);
      expect(EVAL_FIELDS.filter((o) => o.key !== field.key).map((o) => [o.key, evalValue(after, o.key)])).toEqual(others);
    }
  });

  it('has one row per field: unique keys, labels and test ids', () => {
    const unique = (xs: (string | undefined)[]) => new Set(xs).size === xs.length;
    expect(unique(EVAL_FIELDS.map((f) => f.key))).toBe(true);
    expect(unique(EVAL_FIELDS.map((f) => f.label))).toBe(true);
    expect(EVAL_FIELDS.flatMap((f) => (f.testId ? [f.testId] : []))).toEqual(['probe.seeds', 'probe.att-cap']);
  });

  it('renders every field with its label, help, value and test id, and the controls the tests drive', () => {
    // Rendered on the server, the store reads its initial state.
    const html = renderToStaticMarkup(createElement(EvalRecipe, { disabled: false }));
    const f = useStore.getInitialState().probeForm;
    for (const field of EVAL_FIELDS) {
      const id = ` data-testid="${field.testId ?? `eval.${field.key}`}"`;
      const label = escape(field.label);
      const input = new RegExp(
        `title="${escape(field.help)}">${label}<input id="[^"]+" type="number" step="any"[^>]*${id} aria-label="${label}"[^>]* value="${evalValue(f, field.key)}"/>`,
      );
      expect(html, field.key).toMatch(input);
    }
    for (const id of [
      'probe.linear',
      'probe.att-bn',
      'probe.ft-labels',
      'probe.baseline',
      'probe.eval.lin',
      'probe.att-rule',
      'probe.lin-lr',
      'probe.att-lr',
      'probe.ft-lr',
    ])
      expect(html).toContain(`data-testid="${id}"`);
  });
});

/** A field's text as React escapes it in markup, then escaped for a RegExp. */
function escape(s: string): string {
  const html = s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return html.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
