/**
 * The dashboard's filters as the person sets them, what they mean as a `DashboardFilter`, their
 * chips, and how they are remembered between launches (localStorage, one entry per schema, since
 * each schema holds its own load).
 */
import type { DashboardContext, DashboardFilter } from '../../../shared/contract';
import { formatDay, formatRange, isIsoDay } from './dates';

/** 'default': the load's range without suspicious dates; 'span': every date loaded; 'custom': typed. */
export type RangeMode = 'default' | 'span' | 'custom';
export type StatusChoice = 'all' | 'confirmed' | 'cancelled';
export type SegmentChoice = 'all' | 'new' | 'returning';
export type TrendChoice = 'auto' | 'day' | 'week' | 'month';
export const TOP_CHOICES = [10, 20, 50] as const;
export type TopChoice = (typeof TOP_CHOICES)[number];

export interface FilterState {
  rangeMode: RangeMode;
  /** Only for 'custom'; an empty end is open. */
  from: string;
  to: string;
  doctorIds: number[];
  /** null: every specialty; '': doctors without one. */
  specialty: string | null;
  status: StatusChoice;
  segment: SegmentChoice;
}

export interface ViewState {
  top: TopChoice;
  granularity: TrendChoice;
}

export const DEFAULT_FILTERS: FilterState = { rangeMode: 'default', from: '', to: '', doctorIds: [], specialty: null, status: 'all', segment: 'all' };
export const DEFAULT_VIEW: ViewState = { top: 10, granularity: 'auto' };

/** The dates the filter means now (a new load moves the default range and the span with it). */
export function effectiveRange(state: FilterState, context: DashboardContext): { from?: string; to?: string } {
  if (state.rangeMode === 'default') {
    const range = context.defaultRange ?? context.span;
    return range ? { from: range.from, to: range.to } : {};
  }
  if (state.rangeMode === 'span') return context.span ? { from: context.span.from, to: context.span.to } : {};
  return { ...(state.from ? { from: state.from } : {}), ...(state.to ? { to: state.to } : {}) };
}

export function rangeProblem(state: FilterState): string | null {
  if (state.rangeMode !== 'custom') return null;
  if (state.from && !isIsoDay(state.from)) return 'The start is not a date.';
  if (state.to && !isIsoDay(state.to)) return 'The end is not a date.';
  if (state.from && state.to && state.from > state.to) return 'The start is after the end: swap the dates.';
  return null;
}

export function toDashboardFilter(state: FilterState, context: DashboardContext): DashboardFilter {
  const filter: DashboardFilter = { ...effectiveRange(state, context) };
  if (state.doctorIds.length > 0) filter.doctorIds = [...state.doctorIds];
  if (state.specialty !== null) filter.specialties = [state.specialty];
  if (state.status !== 'all') filter.statuses = [state.status];
  if (state.segment !== 'all') filter.segment = state.segment;
  return filter;
}

export interface Chip {
  key: string;
  label: string;
  /** What clearing this chip leaves; null for the default date range, which is where clearing leads. */
  clear: ((state: FilterState) => FilterState) | null;
}

export function filterChips(state: FilterState, context: DashboardContext): Chip[] {
  const chips: Chip[] = [];
  const range = effectiveRange(state, context);
  if (range.from || range.to) {
    // The date range is always shown; clearing a chosen one goes back to the default range.
    const dates = range.from && range.to ? formatRange(range.from, range.to) : range.from ? `from ${formatDay(range.from)}` : `until ${formatDay(range.to ?? '')}`;
    const toDefault = (s: FilterState): FilterState => ({ ...s, rangeMode: 'default', from: '', to: '' });
    const suspicious = context.caveats.outsideDefaultRange > 0;
    if (state.rangeMode === 'default') chips.push({ key: 'range', label: `Dates: ${dates}${suspicious ? ' (default range, suspicious dates left out)' : ' (every loaded date)'}`, clear: null });
    else if (state.rangeMode === 'span') chips.push({ key: 'range', label: `Dates: ${dates} (whole span${suspicious ? ', suspicious dates included' : ''})`, clear: toDefault });
    else chips.push({ key: 'range', label: rangeProblem(state) ? 'Dates: not applied until the range is fixed' : `Dates: ${dates}`, clear: toDefault });
  }
  const names = new Map(context.doctors.map((d) => [d.doctorId, d]));
  for (const id of state.doctorIds) {
    const doctor = names.get(id);
    const name = doctor ? (doctor.placeholder ? `${doctor.name} (placeholder #${id})` : doctor.name) : `#${id}`;
    chips.push({ key: `doctor-${id}`, label: `Doctor: ${name}`, clear: (s) => ({ ...s, doctorIds: s.doctorIds.filter((d) => d !== id) }) });
  }
  if (state.specialty !== null) {
    chips.push({ key: 'specialty', label: `Specialty: ${state.specialty === '' ? 'none recorded' : state.specialty}`, clear: (s) => ({ ...s, specialty: null }) });
  }
  if (state.status !== 'all') chips.push({ key: 'status', label: `Status: ${state.status}`, clear: (s) => ({ ...s, status: 'all' }) });
  if (state.segment !== 'all') chips.push({ key: 'segment', label: `Patients: ${state.segment}`, clear: (s) => ({ ...s, segment: 'all' }) });
  return chips;
}


// ---------------------------------------------------------------------------------------------
// Remembered between launches
// ---------------------------------------------------------------------------------------------

const storageKey = (schema: string) => `healthtech.dashboard.v1.${schema}`;

interface Stored {
  filters: FilterState;
  view: ViewState;
}

const oneOf = <T extends string | number>(value: unknown, options: readonly T[], fallback: T): T => (options.includes(value as T) ? (value as T) : fallback);

/** What was remembered for this schema, checked field by field; ids and names no longer loaded are dropped. */
export function restore(schema: string, context: DashboardContext): Stored {
  let raw: unknown;
  try {
    raw = JSON.parse(localStorage.getItem(storageKey(schema)) ?? 'null');
  } catch {
    raw = null;
  }
  const stored = (raw && typeof raw === 'object' ? raw : {}) as { filters?: Partial<Record<keyof FilterState, unknown>>; view?: Partial<Record<keyof ViewState, unknown>> };
  const f = stored.filters ?? {};
  const v = stored.view ?? {};
  const known = new Set(context.doctors.map((d) => d.doctorId));
  const rangeMode = oneOf(f.rangeMode, ['default', 'span', 'custom'] as const, 'default');
  const day = (value: unknown) => (typeof value === 'string' && isIsoDay(value) ? value : '');
  return {
    filters: {
      rangeMode,
      from: rangeMode === 'custom' ? day(f.from) : '',
      to: rangeMode === 'custom' ? day(f.to) : '',
      doctorIds: Array.isArray(f.doctorIds) ? f.doctorIds.filter((id): id is number => typeof id === 'number' && known.has(id)).slice(0, 500) : [],
      specialty: typeof f.specialty === 'string' && context.specialties.includes(f.specialty) ? f.specialty : null,
      status: oneOf(f.status, ['all', 'confirmed', 'cancelled'] as const, 'all'),
      segment: oneOf(f.segment, ['all', 'new', 'returning'] as const, 'all'),
    },
    view: { top: oneOf(v.top, TOP_CHOICES, DEFAULT_VIEW.top), granularity: oneOf(v.granularity, ['auto', 'day', 'week', 'month'] as const, 'auto') },
  };
}

export function remember(schema: string, filters: FilterState, view: ViewState): void {
  try {
    localStorage.setItem(storageKey(schema), JSON.stringify({ filters, view } satisfies Stored));
  } catch {
    // Storage full or unavailable: the filters still work, they are just not remembered.
  }
}
