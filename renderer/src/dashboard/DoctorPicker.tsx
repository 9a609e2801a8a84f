/**
 * A searchable multi-select of the loaded doctors: a button that opens a small panel with a
 * search box and a checkbox list (the first matches only, for thousands of doctors). Esc or a
 * click outside closes it and gives focus back to the button.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { DashboardContext } from '../../../shared/contract';
import { formatCount } from '../format';

const SHOWN = 150;

interface Props {
  doctors: DashboardContext['doctors'];
  selected: readonly number[];
  onChange: (ids: number[]) => void;
  /** The id of the visible label, read before the button's own text. */
  labelId: string;
}

export function DoctorPicker({ doctors, selected, onChange, labelId }: Props) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const panelId = useId();
  const searchId = useId();
  const buttonId = useId();

  useEffect(() => {
    if (!open) return undefined;
    searchRef.current?.focus();
    const onDown = (event: MouseEvent) => {
      if (rootRef.current && !rootRef.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const matches = useMemo(() => {
    const needle = text.trim().toLowerCase();
    const all = needle
      ? doctors.filter((d) => d.name.toLowerCase().includes(needle) || String(d.doctorId).includes(needle) || (d.specialty ?? '').toLowerCase().includes(needle))
      : doctors;
    return all;
  }, [doctors, text]);

  const chosen = new Set(selected);
  const toggle = (id: number) => onChange(chosen.has(id) ? selected.filter((x) => x !== id) : [...selected, id]);
  const label = selected.length === 0 ? 'All doctors' : selected.length === 1 ? (doctors.find((d) => d.doctorId === selected[0])?.name ?? `#${selected[0]}`) : `${selected.length} doctors`;

  return (
    <div
      className="dash-picker"
      ref={rootRef}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) {
          event.stopPropagation();
          setOpen(false);
          buttonRef.current?.focus();
        }
      }}
    >
      <button ref={buttonRef} type="button" className="dash-select-button" aria-expanded={open} aria-controls={panelId} aria-haspopup="true" onClick={() => setOpen((v) => !v)} id={buttonId} aria-labelledby={`${labelId} ${buttonId}`}>
        <span className="dash-select-text">{label}</span>
        <span aria-hidden="true" className="dash-caret">
          ▾
        </span>
      </button>
      {open ? (
        <div className="dash-popover" id={panelId} role="group" aria-label="Choose doctors">
          <label htmlFor={searchId} className="visually-hidden">
            Search doctors by name, id or specialty
          </label>
          <input ref={searchRef} id={searchId} type="search" placeholder="Search name, id or specialty" value={text} onChange={(event) => setText(event.target.value)} autoComplete="off" />
          <div className="dash-popover-bar">
            <span className="muted" aria-live="polite">
              {formatCount(matches.length)} {matches.length === 1 ? 'doctor' : 'doctors'}
              {selected.length > 0 ? `, ${formatCount(selected.length)} chosen` : ''}
            </span>
            {selected.length > 0 ? (
              <button type="button" className="btn btn-quiet btn-small" onClick={() => onChange([])}>
                Clear
              </button>
            ) : null}
          </div>
          <ul className="dash-options">
            {matches.slice(0, SHOWN).map((doctor) => (
              <li key={doctor.doctorId}>
                <label className="dash-option">
                  <input type="checkbox" checked={chosen.has(doctor.doctorId)} onChange={() => toggle(doctor.doctorId)} />
                  <span className="dash-option-text">
                    <span className="dash-option-name">
                      {doctor.name}
                      {doctor.placeholder ? <span className="dash-tag">placeholder</span> : null}
                    </span>
                    <span className="dash-option-sub">
                      #{doctor.doctorId} · {doctor.specialty ?? 'no specialty'}
                    </span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
          {matches.length > SHOWN ? <p className="hint dash-popover-more">{formatCount(matches.length - SHOWN)} more: type to narrow the list.</p> : null}
          {matches.length === 0 ? <p className="hint dash-popover-more">No doctor matches “{text}”.</p> : null}
          <div className="dash-popover-foot">
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                setOpen(false);
                buttonRef.current?.focus();
              }}
            >
              Done
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
