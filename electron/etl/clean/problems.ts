/**
 * The sentences a rejected row carries. They quote the value as typed so the analyst can find it
 * in Excel, and say what was expected.
 */
import type { IntegerResult } from '../rules/parseInteger';
import type { RejectReason } from '../types';

export interface Problem {
  reason: RejectReason;
  column?: string;
  message: string;
}

export function integerProblem(column: string, text: string, result: Extract<IntegerResult, { ok: false }>, max: bigint): Problem {
  switch (result.problem) {
    case 'missing_value':
      return { reason: 'missing_value', column, message: `${column} is empty` };
    case 'formula_not_calculated':
      return notCalculated(column, text);
    case 'integer_out_of_range':
      return { reason: 'integer_out_of_range', column, message: `${column} "${text}" is too large (at most ${max})` };
    default:
      return { reason: 'invalid_integer', column, message: `${column} "${text}" is not a whole number id` };
  }
}

/**
 * A formula cell the workbook holds no calculated value for (SPEC §4 rule 10): the value Excel
 * would show is unknown, so the row cannot be judged. `formula` is the cell as shown (`=B2*2`).
 */
export function notCalculated(column: string, formula: string): Problem {
  return {
    reason: 'formula_not_calculated',
    column,
    message: `${column} ${JSON.stringify(formula.length > 60 ? `${formula.slice(0, 60)}…` : formula)} is a formula without a value: the workbook was saved without calculated values: open it in Excel and save it again`,
  };
}

export function missing(column: string): Problem {
  return { reason: 'missing_value', column, message: `${column} is empty` };
}

export function invalidDate(text: string, detail: 'unreadable' | 'impossible', order?: string): Problem {
  const message =
    detail === 'unreadable'
      ? `booking_date "${text}" is not a date (expected YYYY-MM-DD, YYYY/MM/DD or MM/DD/YYYY)`
      : `booking_date "${text}" is not a real date${order ? ` (read ${order})` : ''}`;
  return { reason: 'invalid_date', column: 'booking_date', message };
}

export function invalidStatus(text: string): Problem {
  return { reason: 'invalid_status', column: 'status', message: `status "${text}" is neither confirmed nor cancelled` };
}
