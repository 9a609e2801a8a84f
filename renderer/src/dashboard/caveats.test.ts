/**
 * The caveats follow the filter: placeholders and suspicious dates in view, what the filter leaves
 * out, singular and plural words right.
 */
import { describe, expect, it } from 'vitest';
import type { DashboardContext, Kpis } from '../../../shared/contract';
import { caveatNotes } from './caveats';

const context: DashboardContext = {
  loaded: true,
  run: null,
  span: { from: '2025-10-20', to: '2355-10-24' },
  denseSpan: { from: '2025-10-20', to: '2025-10-24', before: 0, after: 330 },
  caveats: { suspiciousPolicy: 'warn', suspiciousDates: 329, suspiciousBefore: '2000-01-01', suspiciousAfter: '2026-10-31', rejected: 1 },
  doctors: [],
  specialties: [],
};

const kpis = (over: Partial<Kpis>): Kpis => ({
  appointments: 597,
  confirmed: 400,
  cancelled: 197,
  cancellationRate: 0.33,
  uniquePatients: 120,
  doctors: 4,
  placeholderDoctors: 1,
  placeholderBookings: 9,
  suspiciousBookings: 329,
  span: null,
  previous: null,
  ms: 1,
  ...over,
});

describe('caveatNotes', () => {
  it('everything loaded: placeholders and suspicious dates of the whole load, one rejected row', () => {
    const all = kpis({});
    expect(caveatNotes(context, all, all)).toEqual([
      '1 placeholder doctor in view (9 bookings)',
      '329 bookings with a suspicious date in view (before Jan 1, 2000 or after Oct 31, 2026)',
      '1 row rejected in the load',
    ]);
  });

  it('filtered to another doctor and four days: no placeholder, no suspicious date, what is left out', () => {
    const view = kpis({ appointments: 115, placeholderDoctors: 0, placeholderBookings: 0, suspiciousBookings: 0 });
    expect(caveatNotes(context, view, kpis({}))).toEqual([
      'This filter shows 115 of 597 bookings (482 left out)',
      'No placeholder doctors in view',
      'No suspicious dates in view',
      '1 row rejected in the load',
    ]);
  });

  it('plural forms and the quarantine policy', () => {
    const view = kpis({ placeholderDoctors: 2, placeholderBookings: 1, suspiciousBookings: 1 });
    const quarantined = { ...context, caveats: { ...context.caveats, suspiciousPolicy: 'quarantine', suspiciousDates: 1, rejected: 0 } };
    expect(caveatNotes(quarantined, view, view)).toEqual(['2 placeholder doctors in view (1 booking)', '1 suspicious date quarantined in the load (not loaded)', 'No rows rejected in the load']);
    expect(caveatNotes(context, view, view)[1]).toBe('1 booking with a suspicious date in view (before Jan 1, 2000 or after Oct 31, 2026)');
  });

  it('while the figures are computing, only what the load says', () => {
    expect(caveatNotes(context, null, null)).toEqual(['1 row rejected in the load']);
  });
});
