/**
 * Rule 3: integer identifiers. Accepts numeric cells with an integral, non-negative value and text
 * of optional spaces, optional `+`, digits, optional `.0…`, optional spaces (`"104.0"`, `" 104 "`).
 * Anything else (`37X`, `12.5`, `-3`, empty) is invalid. The range check is exact up to BIGINT.
 */
import { isUncalculated } from '../extract/cellValue';
import type { IdValue, RawCell } from '../types';

export const INTEGER_MAX = 2147483647n;
export const BIGINT_MAX = 9223372036854775807n;

export type IntegerResult =
  | { ok: true; value: IdValue }
  | { ok: false; problem: 'missing_value' | 'formula_not_calculated' | 'invalid_integer' | 'integer_out_of_range' };

const INTEGER_TEXT = /^\s*\+?(\d+)(?:\.0+)?\s*$/;

export function parseInteger(cell: RawCell, max: bigint): IntegerResult {
  if (cell === null) return { ok: false, problem: 'missing_value' };
  if (typeof cell === 'number') return fromNumber(cell, max);
  if (isUncalculated(cell)) return { ok: false, problem: 'formula_not_calculated' };
  if (typeof cell !== 'string') return { ok: false, problem: 'invalid_integer' };
  if (cell.trim() === '') return { ok: false, problem: 'missing_value' };
  const match = INTEGER_TEXT.exec(cell);
  if (!match) return { ok: false, problem: 'invalid_integer' };
  return fromDigits(match[1] as string, max);
}

function fromNumber(value: number, max: bigint): IntegerResult {
  if (!Number.isInteger(value) || value < 0) return { ok: false, problem: 'invalid_integer' };
  if (Number.isSafeInteger(value)) {
    return value <= Number(max) ? { ok: true, value } : { ok: false, problem: 'integer_out_of_range' };
  }
  // An unsafe double is already rounded by Excel; compare it exactly as the integer it denotes.
  return fromBig(BigInt(value), max);
}

function fromDigits(digits: string, max: bigint): IntegerResult {
  // Short digit strings are always safe integers; avoid BigInt on the hot path.
  if (digits.length <= 15) {
    const value = Number(digits);
    return value <= Number(max) ? { ok: true, value } : { ok: false, problem: 'integer_out_of_range' };
  }
  return fromBig(BigInt(digits), max);
}

function fromBig(value: bigint, max: bigint): IntegerResult {
  if (value > max) return { ok: false, problem: 'integer_out_of_range' };
  return { ok: true, value: value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString() };
}

/**
 * parseInteger for the streaming hot path, without allocating a result per cell: a valid id that
 * is a safe integer comes back as itself (≥ 0); everything else as one of the negative codes below.
 * ID_BEYOND_SAFE is a valid id above 2^53: call parseInteger for its text (rare). Numeric cells
 * and plain digit text are decided here; anything else goes through parseInteger, so the two
 * can never disagree.
 */
export const ID_MISSING = -1;
export const ID_FORMULA = -2;
export const ID_INVALID = -3;
export const ID_OUT_OF_RANGE = -4;
export const ID_BEYOND_SAFE = -5;

/** The two limits as doubles, worked out once: a BigInt comparison and conversion per cell showed in profiles. */
const INTEGER_MAX_NUMBER = Number(INTEGER_MAX);
const BIGINT_MAX_NUMBER = Number(BIGINT_MAX);

export function integerCode(cell: RawCell, max: bigint): number {
  const maxNumber = max === INTEGER_MAX ? INTEGER_MAX_NUMBER : max === BIGINT_MAX ? BIGINT_MAX_NUMBER : Number(max);
  if (typeof cell === 'number') {
    if (Number.isSafeInteger(cell) && cell >= 0) return cell <= maxNumber ? cell : ID_OUT_OF_RANGE;
  } else if (typeof cell === 'string') {
    const length = cell.length;
    if (length === 0) return ID_MISSING;
    if (length <= 15) {
      let value = 0;
      let i = 0;
      for (; i < length; i++) {
        const c = cell.charCodeAt(i) - 48;
        if (c < 0 || c > 9) break;
        value = value * 10 + c;
      }
      if (i === length) return value <= maxNumber ? value : ID_OUT_OF_RANGE;
    }
  } else if (cell === null) {
    return ID_MISSING;
  }
  const result = parseInteger(cell, max);
  if (result.ok) return typeof result.value === 'number' ? result.value : ID_BEYOND_SAFE;
  switch (result.problem) {
    case 'missing_value':
      return ID_MISSING;
    case 'formula_not_calculated':
      return ID_FORMULA;
    case 'integer_out_of_range':
      return ID_OUT_OF_RANGE;
    default:
      return ID_INVALID;
  }
}

/** The failed result parseInteger gives for a negative code of integerCode. */
export function integerProblemOf(code: number): Extract<IntegerResult, { ok: false }> {
  switch (code) {
    case ID_MISSING:
      return { ok: false, problem: 'missing_value' };
    case ID_FORMULA:
      return { ok: false, problem: 'formula_not_calculated' };
    case ID_OUT_OF_RANGE:
      return { ok: false, problem: 'integer_out_of_range' };
    default:
      return { ok: false, problem: 'invalid_integer' };
  }
}

/** The canonical text of an id, as written to CSV and COPY. */
export function idText(value: IdValue): string {
  return typeof value === 'number' ? String(value) : value;
}
