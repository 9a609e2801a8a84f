/**
 * The cleaning options: date order and suspicious-date policy as radio groups, and the run date
 * rule 9 measures from (as the CLI's --run_date). Changing one re-runs the preview (see
 * useImportFlow); a typed run date applies once it has stopped changing.
 */
import { useEffect, useId, useState } from 'react';
import type { DateOrderOption, SuspiciousPolicy } from '../../../shared/domain';
import { useDebounced } from '../state/useDebounced';
import type { ImportOptions } from '../state/useImportFlow';

const DATE_ORDERS: { value: DateOrderOption; label: string }[] = [
  { value: 'auto', label: 'Auto' },
  { value: 'mdy', label: 'Month first (mdy)' },
  { value: 'dmy', label: 'Day first (dmy)' },
];

const POLICIES: { value: SuspiciousPolicy; label: string }[] = [
  { value: 'warn', label: 'Keep with a warning' },
  { value: 'quarantine', label: 'Quarantine' },
];

interface Props {
  idBase: string;
  options: ImportOptions;
  onChange: (update: Partial<ImportOptions>) => void;
  disabled?: boolean;
  /** Without the explanations under each group. */
  compact?: boolean;
}

export function OptionsFields({ idBase, options, onChange, disabled = false, compact = false }: Props) {
  return (
    <div className={`options ${compact ? 'options-compact' : ''}`}>
      <fieldset className="choice-group" disabled={disabled} aria-describedby={compact ? undefined : `${idBase}-date-order-hint`}>
        <legend>Date order</legend>
        <div className="segmented">
          {DATE_ORDERS.map((choice) => (
            <label key={choice.value} className="segment">
              <input type="radio" name={`${idBase}-date-order`} value={choice.value} checked={options.dateOrder === choice.value} onChange={() => onChange({ dateOrder: choice.value })} />
              <span className="segment-label">{choice.label}</span>
            </label>
          ))}
        </div>
        {compact ? null : (
          <p className="hint" id={`${idBase}-date-order-hint`}>
            How slash dates like 03/04/2025 are read, for the whole column. Auto decides from the dates themselves.
          </p>
        )}
      </fieldset>
      <fieldset className="choice-group" disabled={disabled} aria-describedby={compact ? undefined : `${idBase}-suspicious-hint`}>
        <legend>Suspicious dates</legend>
        <div className="segmented">
          {POLICIES.map((choice) => (
            <label key={choice.value} className="segment">
              <input type="radio" name={`${idBase}-suspicious`} value={choice.value} checked={options.suspiciousPolicy === choice.value} onChange={() => onChange({ suspiciousPolicy: choice.value })} />
              <span className="segment-label">{choice.label}</span>
            </label>
          ))}
        </div>
        {compact ? null : (
          <p className="hint" id={`${idBase}-suspicious-hint`}>
            Dates before 2000 or more than a year ahead. Kept rows are loaded and listed; quarantined rows are rejected.
          </p>
        )}
      </fieldset>
      <RunDateField idBase={idBase} value={options.runDate} onChange={(runDate) => onChange({ runDate })} disabled={disabled} compact={compact} />
    </div>
  );
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The run date: a date field, empty for today. */
function RunDateField({ idBase, value, onChange, disabled, compact }: { idBase: string; value: string | null; onChange: (runDate: string | null) => void; disabled: boolean; compact: boolean }) {
  const id = useId();
  const [draft, setDraft] = useState(value ?? '');
  const settled = useDebounced(draft, 600);
  // A new value from outside (settings arriving) replaces what is typed.
  useEffect(() => setDraft(value ?? ''), [value]);
  useEffect(() => {
    const next = settled === '' ? null : ISO_DAY.test(settled) ? settled : undefined;
    if (next !== undefined && next !== value) onChange(next);
    // Only a settled draft applies; `value` and `onChange` changing alone do not.
  }, [settled]);
  return (
    <div className="choice-group run-date-field">
      <label htmlFor={id} className="run-date-label">
        Run date
      </label>
      <div className="run-date-inputs">
        <input id={id} type="date" value={draft} onChange={(event) => setDraft(event.target.value)} disabled={disabled} aria-describedby={`${idBase}-run-date-hint`} />
        {draft ? (
          <button type="button" className="btn btn-small btn-quiet" onClick={() => setDraft('')} disabled={disabled}>
            Use today
          </button>
        ) : null}
      </div>
      <p className={compact ? 'visually-hidden' : 'hint'} id={`${idBase}-run-date-hint`}>
        {draft ? 'Suspicious dates are measured from this day, as with --run_date on the command line.' : 'Empty: today. Suspicious dates are measured from this day (more than a year after it).'}
      </p>
    </div>
  );
}
