import { describe, expect, it } from 'vitest';
import {
  ambiguousImpossibleDate,
  CLEAN_DIRT_RATES,
  DEFAULT_DIRT_RATES,
  DIRT_KINDS,
  HEADER_VARIANTS,
  idAsText,
  ID_TEXT_FORMS,
  impossibleDate,
  IMPOSSIBLE_DATE_FORMS,
  INVALID_STATUSES,
  normaliseHeader,
  QUOTED_HEADER_VARIANTS,
  resolveDirtRates,
  slashDate,
  STATUS_VARIANTS,
} from './dirt';

/** SPEC §4 rule 3, for text ids. */
const VALID_TEXT_ID = /^\s*\+?\d+(\.0+)?\s*$/;
/** SPEC §4 rule 5. */
const statusLetters = (text: string): string => text.toLowerCase().replace(/\P{L}/gu, '');

describe('dirt catalogue', () => {
  it('every header variant still names its column under rule 1', () => {
    for (const [key, variants] of Object.entries(HEADER_VARIANTS)) {
      for (const variant of variants) expect(normaliseHeader(variant), variant).toBe(key);
    }
    for (const [key, variant] of Object.entries(QUOTED_HEADER_VARIANTS)) expect(normaliseHeader(variant)).toBe(key);
  });

  it('ids typed as text stay valid under rule 3', () => {
    for (const form of ID_TEXT_FORMS) expect(idAsText(104, form)).toMatch(VALID_TEXT_ID);
    expect(ID_TEXT_FORMS.map((form) => idAsText(104, form))).toEqual(['104', '104.0', ' 104 ', '+104']);
  });

  it('status variants clean to their status and invalid ones do not (rule 5)', () => {
    const accepted: Record<string, string> = {
      confirmed: 'confirmed',
      confirm: 'confirmed',
      cancelled: 'cancelled',
      canceled: 'cancelled',
      cancel: 'cancelled',
    };
    for (const [status, variants] of Object.entries(STATUS_VARIANTS)) {
      for (const variant of variants) expect(accepted[statusLetters(variant)], variant).toBe(status);
    }
    for (const invalid of INVALID_STATUSES) {
      if (invalid !== null) expect(accepted[statusLetters(invalid)], invalid).toBeUndefined();
    }
  });

  it('impossible dates are impossible, and their slash parts agree with the column order', () => {
    for (const order of ['mdy', 'dmy'] as const) {
      for (const form of IMPOSSIBLE_DATE_FORMS) {
        const text = impossibleDate(2025, form, order);
        const slash = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
        const iso = /^(\d{4})[-/](\d{2})[-/](\d{2})$/.exec(text);
        let y: number, m: number, d: number;
        if (slash) {
          const [a, b] = [Number(slash[1]), Number(slash[2])];
          // Evidence for the other order would make `auto` stop: never written.
          if (order === 'mdy') expect(a, text).toBeLessThanOrEqual(12);
          else expect(b, text).toBeLessThanOrEqual(12);
          [m, d] = order === 'mdy' ? [a, b] : [b, a];
          y = Number(slash[3]);
        } else {
          expect(iso, text).not.toBeNull();
          [y, m, d] = [Number(iso?.[1]), Number(iso?.[2]), Number(iso?.[3])];
        }
        const date = new Date(Date.UTC(y, m - 1, d));
        expect(date.getUTCMonth() + 1 === m && date.getUTCDate() === d, text).toBe(false);
      }
    }
    expect(impossibleDate(2025, 'feb-30', 'mdy')).toBe('02/30/2025');
    expect(impossibleDate(2025, 'feb-30', 'dmy')).toBe('30/02/2025');
    expect(impossibleDate(2024, 'feb-29', 'mdy')).toBe('02/29/2025'); // 2024 is a leap year
    expect(ambiguousImpossibleDate(2025, 'mdy')).toBe('13/45/2025');
  });

  it('writes slash dates in the requested order', () => {
    expect(slashDate(2025, 10, 5, 'mdy', true)).toBe('10/05/2025');
    expect(slashDate(2025, 10, 5, 'mdy', false)).toBe('10/5/2025');
    expect(slashDate(2025, 10, 21, 'dmy', true)).toBe('21/10/2025');
  });

  it('validates dirt rates', () => {
    expect(resolveDirtRates(undefined)).toEqual(DEFAULT_DIRT_RATES);
    expect(resolveDirtRates({ ...CLEAN_DIRT_RATES })).toEqual(CLEAN_DIRT_RATES);
    expect(resolveDirtRates({ textDate: 0 }).textDate).toBe(0);
    expect(() => resolveDirtRates({ textDate: 1.5 })).toThrow(RangeError);
    expect(() => resolveDirtRates({ bogus: 0.1 } as never)).toThrow(/unknown dirt kind/);
    expect(Object.values(CLEAN_DIRT_RATES).every((rate) => rate === 0)).toBe(true);
    expect(DIRT_KINDS.length).toBe(Object.keys(DEFAULT_DIRT_RATES).length);
  });

  it('keeps the conflicting-evidence date off by default (it stops an `auto` run)', () => {
    expect(DEFAULT_DIRT_RATES.ambiguousImpossibleDate).toBe(0);
  });
});
