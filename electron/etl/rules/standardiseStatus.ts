/**
 * Rule 5: status. Lowercase, drop everything that is not a letter, then map the spellings people
 * type to the two values the database accepts.
 */
import { isUncalculated } from '../extract/cellValue';
import type { RawCell, Status } from '../types';

export type StatusResult = { ok: true; value: Status } | { ok: false; problem: 'missing_value' | 'formula_not_calculated' | 'invalid_status' };

const SPELLINGS = new Map<string, Status>([
  ['confirmed', 'confirmed'],
  ['confirm', 'confirmed'],
  ['cancelled', 'cancelled'],
  ['canceled', 'cancelled'],
  ['cancel', 'cancelled'],
]);

export function standardiseStatus(cell: RawCell): StatusResult {
  if (cell === null) return { ok: false, problem: 'missing_value' };
  if (isUncalculated(cell)) return { ok: false, problem: 'formula_not_calculated' };
  const text = typeof cell === 'string' ? cell : String(cell);
  if (text.trim() === '') return { ok: false, problem: 'missing_value' };
  const letters = text.toLowerCase().replace(/\P{L}+/gu, '');
  const value = SPELLINGS.get(letters);
  return value ? { ok: true, value } : { ok: false, problem: 'invalid_status' };
}
