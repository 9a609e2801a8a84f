/**
 * Turns what exceljs hands over for a cell into a RawCell: formulas become their cached result,
 * rich text and hyperlinks become their text, error cells become their text (`#N/A`). Nothing is
 * cleaned here; the rules decide what a value means.
 */
import type { RawCell } from '../types';

export function toRawCell(value: unknown): RawCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value;
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if ('result' in object || 'formula' in object || 'sharedFormula' in object) return toRawCell(object.result);
    if (Array.isArray(object.richText)) {
      return object.richText.map((run) => (run && typeof run === 'object' && typeof (run as { text?: unknown }).text === 'string' ? (run as { text: string }).text : '')).join('');
    }
    if ('error' in object) return String(object.error);
    if ('text' in object) return toRawCell(object.text);
  }
  return String(value);
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
  return cell;
}

export function isBlankCell(cell: RawCell): boolean {
  return cell === null || (typeof cell === 'string' && cell.trim() === '');
}
