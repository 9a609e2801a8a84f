import { describe, expect, it } from 'vitest';
import { cameBackBy, firstDaysAnswer, newPatientFigures, nextVisit, segmentByDay, segmentByDoctor } from './firstDays';

describe('firstDaysAnswer', () => {
  it('answers a segment over dates without doctors', () => {
    expect(firstDaysAnswer({ from: '2025-01-01', to: '2025-12-31', segment: 'returning' })).toBe(true);
    expect(firstDaysAnswer({ to: '2025-12-31', segment: 'new', statuses: ['cancelled'] })).toBe(true);
  });
  it('leaves the rest to the other rollups or the appointments', () => {
    expect(firstDaysAnswer({ from: '2025-01-01' })).toBe(false);
    expect(firstDaysAnswer({ segment: 'new' })).toBe(false);
    expect(firstDaysAnswer({ from: '2025-01-01', segment: 'new', doctorIds: [3] })).toBe(false);
    expect(firstDaysAnswer({ from: '2025-01-01', segment: 'new', specialties: [''] })).toBe(false);
  });
});

describe('nextVisit and cameBackBy', () => {
  it('take the next day of the statuses the view keeps', () => {
    expect(nextVisit({}, 'p')).toBe('least(p.next_confirmed, p.next_cancelled)');
    expect(nextVisit({ statuses: ['confirmed', 'cancelled'] }, 'p')).toBe('least(p.next_confirmed, p.next_cancelled)');
    expect(nextVisit({ statuses: ['cancelled'] }, 'r')).toBe('r.next_cancelled');
  });
  it('bind the end of the range, and take any later day when it is open', () => {
    const params: unknown[] = [];
    expect(cameBackBy({ to: '2025-03-09', statuses: ['confirmed'] }, 'r', (v) => `$${params.push(v)}`)).toBe('coalesce(r.next_confirmed <= $1::date, false)');
    expect(params).toEqual(['2025-03-09']);
    expect(cameBackBy({ from: '2025-03-03' }, 'r', () => '$9')).toBe('least(r.next_confirmed, r.next_cancelled) IS NOT NULL');
  });
});

describe('the SQL binds every value it names, and only those', () => {
  const placeholders = (sql: string) => new Set([...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
  const cases = [
    { from: '2025-01-01', to: '2025-12-31', segment: 'new' as const },
    { from: '2025-01-01', to: '2025-12-31', segment: 'returning' as const, statuses: ['cancelled' as const] },
    { to: '2024-12-31', segment: 'returning' as const },
  ];
  it.each(cases)('%o', (filter) => {
    const whole = (params: unknown[]) => `SELECT $${params.push('whole')}`;
    const builders: (() => [string, unknown[]])[] = [
      () => {
        const params: unknown[] = [];
        return [segmentByDay('healthtech', filter, whole, params), params];
      },
      () => {
        const params: unknown[] = [];
        const built = segmentByDoctor('healthtech', filter, filter.segment === 'new' ? null : { perDoctor: whole(params), params });
        return [built.perDoctor, built.params];
      },
      () => {
        const params: unknown[] = [];
        return [newPatientFigures('healthtech', filter, params), params];
      },
    ];
    for (const build of builders) {
      const [sql, params] = build();
      expect(placeholders(sql)).toEqual(new Set(params.map((_, i) => i + 1)));
    }
  });
});
