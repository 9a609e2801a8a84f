/** The two cleaning options, as radio groups; changing one re-runs the preview (see useImportFlow). */
import type { DateOrderOption, SuspiciousPolicy } from '../../../shared/domain';
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
    </div>
  );
}
