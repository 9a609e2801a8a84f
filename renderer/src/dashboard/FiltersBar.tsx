/**
 * The filters for the whole dashboard: date range (every loaded date by default, the main span
 * where most bookings are, or typed dates), doctors, specialty, status and patient segment; then
 * the active filters as chips, each clearable, and "Clear all".
 */
import { memo, useId, type KeyboardEvent } from 'react';
import type { DashboardContext } from '../../../shared/contract';
import { CloseIcon } from '../components/Icons';
import { plural } from '../format';
import { formatRange } from './dates';
import { DoctorPicker } from './DoctorPicker';
import { DEFAULT_FILTERS, effectiveRange, filterChips, rangeProblem, type FilterState, type SegmentChoice, type StatusChoice } from './filters';

interface Props {
  context: DashboardContext;
  filters: FilterState;
  onChange: (next: FilterState) => void;
  /** The typed dates are meant as they are: Enter in a date field, or focus leaving the range's fields. */
  onApplyDates: () => void;
}

const STATUS: { key: StatusChoice; label: string }[] = [
  { key: 'all', label: 'All' },
  { key: 'confirmed', label: 'Confirmed' },
  { key: 'cancelled', label: 'Cancelled' },
];

const SEGMENT: { key: SegmentChoice; label: string }[] = [
  { key: 'all', label: 'All' },
  { key: 'new', label: 'New' },
  { key: 'returning', label: 'Returning' },
];

function Segmented<K extends string>({ name, legend, options, value, onChange }: { name: string; legend: string; options: { key: K; label: string }[]; value: K; onChange: (key: K) => void }) {
  return (
    <fieldset className="choice-group dash-filter">
      <legend className="dash-filter-label">{legend}</legend>
      <div className="segmented">
        {options.map((option) => (
          <label key={option.key} className="segment">
            <input type="radio" name={name} value={option.key} checked={value === option.key} onChange={() => onChange(option.key)} />
            <span className="segment-label">{option.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

interface DateFieldProps {
  id: string;
  label: string;
  value: string | undefined;
  span: DashboardContext['span'];
  invalid: boolean;
  onChange: (value: string) => void;
  /** Enter, or focus leaving the range's fields: the typed dates are meant as they are. */
  onApply: () => void;
}

/** One end of the date range, its label visually hidden (the fieldset's legend says "Dates"). */
function DateField({ id, label, value, span, invalid, onChange, onApply }: DateFieldProps) {
  // Enter keeps what it does in a date field; here it only ends the wait for the typing to pause.
  const applyOnEnter = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') onApply();
  };
  return (
    <>
      <label className="visually-hidden" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        type="date"
        value={value ?? ''}
        min={span?.from}
        max={span?.to}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={applyOnEnter}
        onBlur={(event) => {
          // Focus moving on to the range's other end is still typing the range: the pause in the
          // typing applies it then, as one query rather than one for each end.
          const next = event.relatedTarget;
          const otherEnd = next instanceof HTMLInputElement && next.type === 'date' && event.currentTarget.parentElement?.contains(next);
          if (!otherEnd) onApply();
        }}
        aria-invalid={invalid ? true : undefined}
      />
    </>
  );
}

export const FiltersBar = memo(function FiltersBar({ context, filters, onChange, onApplyDates }: Props) {
  const ids = { from: useId(), to: useId(), doctors: useId(), specialty: useId(), rangeError: useId(), range: useId() };
  const range = effectiveRange(filters, context);
  const problem = rangeProblem(filters);
  const chips = filterChips(filters, context);
  const span = context.span;
  const setDate = (which: 'from' | 'to', value: string) => {
    // Typing a date turns the range into a custom one, starting from the dates shown.
    const base = { from: range.from ?? '', to: range.to ?? '' };
    onChange({ ...filters, rangeMode: 'custom', ...base, [which]: value });
  };
  const main = context.denseSpan;

  return (
    <section className="panel dash-filters" aria-label="Filters">
      <div className="dash-filter-row">
        <fieldset className="choice-group dash-filter dash-range" aria-describedby={problem ? ids.rangeError : undefined}>
          <legend className="dash-filter-label">Dates</legend>
          <div className="dash-range-inputs">
            <DateField id={ids.from} label="From" value={range.from} span={span} invalid={Boolean(problem)} onChange={(value) => setDate('from', value)} onApply={onApplyDates} />
            <span aria-hidden="true" className="muted">
              –
            </span>
            <DateField id={ids.to} label="To" value={range.to} span={span} invalid={Boolean(problem)} onChange={(value) => setDate('to', value)} onApply={onApplyDates} />
            <div className="dash-range-presets" role="group" aria-label="Date range presets">
              <button
                type="button"
                className="btn btn-small dash-preset"
                aria-pressed={filters.rangeMode === 'all'}
                onClick={() => onChange({ ...filters, rangeMode: 'all', from: '', to: '' })}
                title={span ? `${formatRange(span.from, span.to)}: every loaded booking` : undefined}
              >
                All dates
              </button>
              {main && (main.before > 0 || main.after > 0) ? (
                <button
                  type="button"
                  className="btn btn-small dash-preset"
                  aria-pressed={filters.rangeMode === 'main'}
                  onClick={() => onChange({ ...filters, rangeMode: 'main', from: '', to: '' })}
                  title={`${formatRange(main.from, main.to)}: where most bookings are, without the ${plural(main.before + main.after, 'booking')} far outside`}
                >
                  Main span
                </button>
              ) : null}
            </div>
          </div>
          {problem ? (
            <p id={ids.rangeError} className="field-error" role="alert">
              {problem}
            </p>
          ) : null}
        </fieldset>

        <Segmented name="dash-status" legend="Status" options={STATUS} value={filters.status} onChange={(status) => onChange({ ...filters, status })} />
        <Segmented name="dash-segment" legend="Patients" options={SEGMENT} value={filters.segment} onChange={(segment) => onChange({ ...filters, segment })} />

        <div className="dash-filter">
          <span className="dash-filter-label" id={ids.doctors}>
            Doctors
          </span>
          <DoctorPicker doctors={context.doctors} selected={filters.doctorIds} onChange={(doctorIds) => onChange({ ...filters, doctorIds })} labelId={ids.doctors} />
        </div>

        <div className="dash-filter">
          <label className="dash-filter-label" htmlFor={ids.specialty}>
            Specialty
          </label>
          <select
            id={ids.specialty}
            className="dash-specialty"
            value={filters.specialty === null ? '__all' : filters.specialty === '' ? '__none' : filters.specialty}
            onChange={(event) => {
              const value = event.target.value;
              onChange({ ...filters, specialty: value === '__all' ? null : value === '__none' ? '' : value });
            }}
          >
            <option value="__all">All specialties</option>
            {context.specialties
              .filter((s) => s !== '')
              .map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            {context.specialties.includes('') ? <option value="__none">No specialty recorded</option> : null}
          </select>
        </div>
      </div>

      <div className="dash-chips-row">
        <span className="dash-filter-label" id={ids.range}>
          Active filters
        </span>
        <ul className="dash-chips" data-testid="filter-chips" aria-labelledby={ids.range}>
          {chips.length === 0 ? <li className="muted dash-chips-none">None: every loaded booking is shown</li> : null}
          {chips.map((chip) => {
            const clear = chip.clear;
            return (
              <li key={chip.key} className="dash-chip" data-chip={chip.key}>
                <span>{chip.label}</span>
                <button type="button" className="dash-chip-clear" onClick={() => onChange(clear(filters))} aria-label={`Remove filter ${chip.label}`}>
                  <CloseIcon />
                </button>
              </li>
            );
          })}
        </ul>
        {chips.length > 0 ? (
          <button type="button" className="btn btn-quiet btn-small" onClick={() => onChange(DEFAULT_FILTERS)}>
            Clear all
          </button>
        ) : null}
      </div>
    </section>
  );
});
