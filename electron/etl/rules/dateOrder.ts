/**
 * Rule 4, date order: slash dates are read in one order for the whole column, never guessed per
 * row. `auto` looks at the evidence across the column: a first part above 12 can only be a day, a
 * second part above 12 can only be a day too (so the first is the month). No evidence means
 * month-first, like the source files; evidence both ways stops the run so a person chooses.
 * A value with both parts above 12 (`13/45/2025`) reads neither way: it is an invalid date, not
 * evidence, so one typo cannot stop a run.
 */
import { InputFileError, type InputLocation } from '../errors';
import type { DateOrderDecision, DateOrderEvidence, DateOrderOption } from '../types';

export type { DateOrderDecision, DateOrderEvidence };


const EXAMPLES = 5;

export function emptyEvidence(): DateOrderEvidence {
  return { dayFirst: 0, monthFirst: 0, slashDates: 0, dayFirstRows: [], monthFirstRows: [] };
}

export function addEvidence(evidence: DateOrderEvidence, first: number, second: number, row: number): void {
  evidence.slashDates += 1;
  if (first > 12 && second > 12) return;
  if (first > 12) {
    evidence.dayFirst += 1;
    if (evidence.dayFirstRows.length < EXAMPLES) evidence.dayFirstRows.push(row);
  } else if (second > 12) {
    evidence.monthFirst += 1;
    if (evidence.monthFirstRows.length < EXAMPLES) evidence.monthFirstRows.push(row);
  }
}


export function decideDateOrder(requested: DateOrderOption, evidence: DateOrderEvidence, location: InputLocation): DateOrderDecision {
  if (requested !== 'auto') return { requested, used: requested, basis: 'requested' };
  if (evidence.dayFirst > 0 && evidence.monthFirst > 0) {
    throw new InputFileError(
      'date_order_conflict',
      `${location.file}, sheet "${location.sheet}": booking_date has slash dates that only read day-first (${evidence.dayFirst}, e.g. row ${evidence.dayFirstRows.join(', ')}) ` +
        `and others that only read month-first (${evidence.monthFirst}, e.g. row ${evidence.monthFirstRows.join(', ')}). ` +
        'Choose the date order for this file: mdy (month first) or dmy (day first), e.g. --date-order mdy.',
      { ...location, column: 'booking_date' },
      { setting: 'date_order', dayFirst: evidence.dayFirst, monthFirst: evidence.monthFirst },
    );
  }
  if (evidence.dayFirst > 0) return { requested, used: 'dmy', basis: 'day_first_evidence' };
  if (evidence.monthFirst > 0) return { requested, used: 'mdy', basis: 'month_first_evidence' };
  return { requested, used: 'mdy', basis: 'no_evidence' };
}
