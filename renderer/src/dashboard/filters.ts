/**
 * The dashboard's filters as the person sets them, what they mean as a `DashboardFilter`, their
 * chips, and how they are remembered between launches (localStorage, one entry per schema, since
 * each schema holds its own load).
 */
import type { DashboardContext, DashboardFilter } from '../../../shared/contract';
import { formatDay, formatRange, isIsoDay } from './dates';

/**
 * 'all': every loaded date (the default: the view counts exactly what the database holds);
 * 'main': where most bookings are (the load's dense span, outliers left out); 'custom': typed.
 */
export type RangeMode = 'all' | 'main' | 'custom';
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

export const DEFAULT_FILTERS: FilterState = { rangeMode: 'all', from: '', to: '', doctorIds: [], specialty: null, status: 'all', segment: 'all' };
export const DEFAULT_VIEW: ViewState = { top: 10, granularity: 'auto' };

/** The dates the filter means now (a new load moves the main span with it). */
export function effectiveRange(state: FilterState, context: Pick<DashboardContext, 'denseSpan'>): { from?: string; to?: string } {
  if (state.rangeMode === 'all') return {};
  if (state.rangeMode === 'main') return context.denseSpan ? { from: context.denseSpan.from, to: context.denseSpan.to } : {};
  return { ...(state.from ? { from: state.from } : {}), ...(state.to ? { to: state.to } : {}) };
}

/** Whether the filter keeps every loaded booking (nothing to say "in all data" about). */
export function isWholeLoad(filter: DashboardFilter): boolean {
  return !filter.from && !filter.to && !filter.doctorIds?.length && !filter.specialties?.length && !filter.statuses?.length && (filter.segment ?? 'all') === 'all';
}

export function rangeProblem(state: FilterState): string | null {
  if (state.rangeMode !== 'custom') return null;
  if (state.from && !isIsoDay(state.from)) return 'The start is not a date.';
  if (state.to && !isIsoDay(state.to)) return 'The end is not a date.';
  if (state.from && state.to && state.from > state.to) return 'The start is after the end: swap the dates.';
  return null;
}

export function toDashboardFilter(state: FilterState, context: Pick<DashboardContext, 'denseSpan'>): DashboardFilter {
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
  /** What clearing this chip leaves. */
  clear: (state: FilterState) => FilterState;
}

/** The filters that leave bookings out, one chip each; none: every loaded booking is shown. */
export function filterChips(state: FilterState, context: DashboardContext): Chip[] {
  const chips: Chip[] = [];
  const range = effectiveRange(state, context);
  const toAll = (s: FilterState): FilterState => ({ ...s, rangeMode: 'all', from: '', to: '' });
  if (state.rangeMode === 'custom' && rangeProblem(state)) chips.push({ key: 'range', label: 'Dates: not applied until the range is fixed', clear: toAll });
  else if (range.from || range.to) {
    const dates = range.from && range.to ? formatRange(range.from, range.to) : range.from ? `from ${formatDay(range.from)}` : `until ${formatDay(range.to ?? '')}`;
    chips.push({ key: 'range', label: `Dates: ${dates}${state.rangeMode === 'main' ? ' (main span)' : ''}`, clear: toAll });
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

// v2: the default range became every loaded date ('all'); v1's 'default'/'span' are not carried over.
const storageKey = (schema: string) => `healthtech.dashboard.v2.${schema}`;

interface Stored {
  filters: FilterState;
  view: ViewState;
}

const oneOf = <T extends string | number>(value: unknown, options: readonly T[], fallback: T): T => (options.includes(value as T) ? (value as T) : fallback);

/** What was remembered for this schema, checked field by field; ids and names no longer loaded are dropped. */
export function restore(schema: string, context: Pick<DashboardContext, 'doctors' | 'specialties'>): Stored {
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
  const rangeMode = oneOf(f.rangeMode, ['all', 'main', 'custom'] as const, 'all');
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

/**
 * The filter remembered for this schema when it can be known before the dashboard's context
 * arrives (no doctors, specialty or main span, which are checked against or read from it), else
 * null. On opening, the key figures are asked for with it at once, beside the context query,
 * instead of after it (at a million rows the context takes most of a second right after a load).
 */
export function filterBeforeContext(schema: string): DashboardFilter | null {
  let raw: unknown;
  try {
    raw = JSON.parse(localStorage.getItem(storageKey(schema)) ?? 'null');
  } catch {
    raw = null;
  }
  const f = ((raw && typeof raw === 'object' ? (raw as { filters?: unknown }).filters : null) ?? {}) as Partial<Record<keyof FilterState, unknown>>;
  if ((Array.isArray(f.doctorIds) && f.doctorIds.length > 0) || typeof f.specialty === 'string' || f.rangeMode === 'main') return null;
  const { filters } = restore(schema, { doctors: [], specialties: [] });
  if (rangeProblem(filters)) return null;
  return toDashboardFilter(filters, { denseSpan: null });
}
