/**
 * The filters as set on screen → the DashboardFilter sent to main, the range problems, the chips,
 * and what is remembered between launches (checked field by field on the way back in).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DashboardContext } from '../../../shared/contract';
import { DEFAULT_FILTERS, DEFAULT_VIEW, effectiveRange, filterBeforeContext, filterChips, rangeProblem, remember, restore, toDashboardFilter, type FilterState } from './filters';

const context: DashboardContext = {
  loaded: true,
  run: null,
  span: { from: '1999-05-01', to: '2355-10-24' },
  denseSpan: { from: '2025-01-02', to: '2025-10-31', before: 1, after: 330 },
  caveats: { suspiciousPolicy: 'warn', suspiciousDates: 331, suspiciousBefore: '2000-01-01', suspiciousAfter: '2026-10-31', rejected: 12 },
  doctors: [
    { doctorId: 101, name: 'Dr. Amara Okafor', specialty: 'Cardiology', placeholder: false },
    { doctorId: 999, name: 'Unknown', specialty: 'Unknown', placeholder: true },
  ],
  specialties: ['', 'Cardiology', 'Unknown'],
};

describe('toDashboardFilter', () => {
  it('is everything loaded by default; the main span or the typed dates when chosen', () => {
    expect(toDashboardFilter(DEFAULT_FILTERS, context)).toEqual({});
    expect(toDashboardFilter({ ...DEFAULT_FILTERS, rangeMode: 'main' }, context)).toEqual({ from: '2025-01-02', to: '2025-10-31' });
    expect(toDashboardFilter({ ...DEFAULT_FILTERS, rangeMode: 'custom', from: '2025-09-01', to: '' }, context)).toEqual({ from: '2025-09-01' });
    expect(effectiveRange({ ...DEFAULT_FILTERS, rangeMode: 'custom' }, context)).toEqual({});
  });

  it('sends only the filters that are set', () => {
    const state: FilterState = { ...DEFAULT_FILTERS, doctorIds: [101], specialty: '', status: 'cancelled', segment: 'returning' };
    expect(toDashboardFilter(state, context)).toEqual({ doctorIds: [101], specialties: [''], statuses: ['cancelled'], segment: 'returning' });
  });
});

describe('rangeProblem', () => {
  it('names a wrong typed range, and only a typed one', () => {
    expect(rangeProblem({ ...DEFAULT_FILTERS, rangeMode: 'custom', from: '2025-10-31', to: '2025-10-01' })).toMatch(/after the end/);
    expect(rangeProblem({ ...DEFAULT_FILTERS, rangeMode: 'custom', from: '2025-02-30', to: '' })).toMatch(/start is not a date/);
    expect(rangeProblem({ ...DEFAULT_FILTERS, rangeMode: 'custom', from: '', to: '2025-13-01' })).toMatch(/end is not a date/);
    expect(rangeProblem({ ...DEFAULT_FILTERS, rangeMode: 'custom', from: '2025-10-01', to: '2025-10-01' })).toBeNull();
    expect(rangeProblem({ ...DEFAULT_FILTERS, from: 'junk' })).toBeNull();
  });
});

describe('filterChips', () => {
  it('none by default (every loaded booking); one clearable chip per filter that leaves bookings out', () => {
    expect(filterChips(DEFAULT_FILTERS, context)).toEqual([]);
    const chips = filterChips({ ...DEFAULT_FILTERS, rangeMode: 'main', doctorIds: [999], status: 'confirmed' }, context);
    expect(chips.map((c) => c.label)).toEqual(['Dates: Jan 2 – Oct 31, 2025 (main span)', 'Doctor: Unknown (placeholder #999)', 'Status: confirmed']);
    expect(chips[0]?.clear(DEFAULT_FILTERS).rangeMode).toBe('all');
    const cleared = chips[1]?.clear({ ...DEFAULT_FILTERS, doctorIds: [999], status: 'confirmed' });
    expect(cleared?.doctorIds).toEqual([]);
    expect(filterChips({ ...DEFAULT_FILTERS, rangeMode: 'custom', from: '2025-10-31', to: '2025-10-01' }, context).map((c) => c.label)).toEqual(['Dates: not applied until the range is fixed']);
  });
});

describe('remembered filters', () => {
  let store: Map<string, string>;
  beforeEach(() => {
    store = new Map();
    vi.stubGlobal('localStorage', {
      getItem: (key: string) => store.get(key) ?? null,
      setItem: (key: string, value: string) => void store.set(key, value),
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('come back as they were saved, per schema', () => {
    const filters: FilterState = { rangeMode: 'custom', from: '2025-09-01', to: '2025-09-30', doctorIds: [101], specialty: 'Cardiology', status: 'cancelled', segment: 'new' };
    remember('healthtech', filters, { top: 20, granularity: 'week' });
    expect(restore('healthtech', context)).toEqual({ filters, view: { top: 20, granularity: 'week' } });
    expect(restore('other_schema', context)).toEqual({ filters: DEFAULT_FILTERS, view: DEFAULT_VIEW });
  });

  it('drop what no longer fits the load or was tampered with', () => {
    store.set(
      'healthtech.dashboard.v2.healthtech',
      JSON.stringify({ filters: { rangeMode: 'custom', from: '2025-02-30', to: 7, doctorIds: [101, 4242, '101'], specialty: 'Dermatology', status: 'maybe', segment: 'new' }, view: { top: 1000, granularity: 'hour' } }),
    );
    expect(restore('healthtech', context)).toEqual({
      filters: { rangeMode: 'custom', from: '', to: '', doctorIds: [101], specialty: null, status: 'all', segment: 'new' },
      view: DEFAULT_VIEW,
    });
    store.set('healthtech.dashboard.v2.healthtech', '{not json');
    expect(restore('healthtech', context)).toEqual({ filters: DEFAULT_FILTERS, view: DEFAULT_VIEW });
  });

  it('are known before the context when they need nothing from it: the same filter the dashboard then asks with', () => {
    const save = (filters: Partial<FilterState>) => remember('healthtech', { ...DEFAULT_FILTERS, ...filters }, DEFAULT_VIEW);
    expect(filterBeforeContext('healthtech'), 'nothing remembered: everything').toEqual({});
    const plain: FilterState = { ...DEFAULT_FILTERS, rangeMode: 'custom', from: '2025-09-01', to: '2025-09-30', status: 'cancelled', segment: 'new' };
    save(plain);
    expect(filterBeforeContext('healthtech')).toEqual(toDashboardFilter(restore('healthtech', context).filters, context));
    expect(JSON.stringify(filterBeforeContext('healthtech')), 'the same request, key for key').toBe(JSON.stringify(toDashboardFilter(plain, context)));
    // Doctors and specialties are checked against the load, the main span read from it: wait for the context.
    save({ doctorIds: [101] });
    expect(filterBeforeContext('healthtech')).toBeNull();
    save({ specialty: 'Cardiology' });
    expect(filterBeforeContext('healthtech')).toBeNull();
    save({ rangeMode: 'main' });
    expect(filterBeforeContext('healthtech')).toBeNull();
    save({ rangeMode: 'custom', from: '2025-10-01', to: '2025-09-01' });
    expect(filterBeforeContext('healthtech'), 'a wrong range').toBeNull();
  });
});
