/**
 * What a RawCell means to people: the text shown for it in messages, the preview and exports of
 * raw values, and whether it counts as blank. Nothing is cleaned here; the rules decide what a
 * value means.
 */
import type { RawCell, UncalculatedFormula } from '../types';

/** The cell is a formula without a calculated value (see UncalculatedFormula). */
export function isUncalculated(cell: RawCell | undefined): cell is UncalculatedFormula {
  return typeof cell === 'object' && cell !== null && !(cell instanceof Date);
}

/** The text a person sees for a cell, used in messages, the preview and exports of raw values. */
export function cellText(cell: RawCell): string {
  if (cell === null) return '';
  if (cell instanceof Date) {
    const time = cell.getTime();
    if (!Number.isFinite(time)) return '';
    const iso = cell.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
  }
  if (typeof cell === 'number') return Number.isInteger(cell) && !Number.isSafeInteger(cell) ? BigInt(cell).toString() : String(cell);
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  // No value to show: the formula itself is what the analyst can find in Excel.
  if (isUncalculated(cell)) return cell.formula === '' ? '=(shared formula)' : `=${cell.formula}`;
  return cell;
}

/** A formula is never blank: its value is unknown, not empty. */
export function isBlankCell(cell: RawCell): boolean {
  return cell === null || (typeof cell === 'string' && cell.trim() === '');
}
