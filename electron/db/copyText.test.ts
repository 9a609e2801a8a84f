import { describe, expect, it } from 'vitest';
import type { RejectedRow } from '../etl/types';
import { copyEscape, rejectedCopy } from './copyText';

const files = { doctors: { name: 'docs\\2025.xlsx', sheet: 'Doctors\tA' }, appointments: { name: 'Termine ä.xlsx', sheet: 'Sheet1' } };

/** The rejected rows' COPY text as one template string per row: the byte writer must write exactly this. */
function oracle(runId: number, rows: readonly RejectedRow[]): string {
  const nullable = (value: string | number | undefined) => (value === undefined ? '\\N' : typeof value === 'number' ? String(value) : copyEscape(value));
  const json = (value: unknown) => copyEscape(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.replace(/\0/g, '\uFFFD') : v)));
  return rows
    .map((r) => {
      const source = files[r.file];
      return (
        `${runId}\t${r.file}\t${copyEscape(source.name)}\t${copyEscape(source.sheet)}\t${r.row}\t${r.reason}\t${nullable(r.column)}\t` +
        `${copyEscape(r.message)}\t${nullable(r.keptRow)}\t${json(r.raw)}\t${json(r.problems)}\n`
      );
    })
    .join('');
}

function row(i: number, overrides: Partial<RejectedRow> = {}): RejectedRow {
  return {
    file: i % 3 === 0 ? 'doctors' : 'appointments',
    row: i + 2,
    reason: 'invalid_date',
    column: 'booking_date',
    message: `booking_date "31/02/2025" is not a real date (row ${i})`,
    problems: [{ reason: 'invalid_date', column: 'booking_date', message: 'not a real date' }],
    raw: { booking_id: String(i), patient_id: 'P-7', booking_date: '31/02/2025' },
    ...overrides,
  } as RejectedRow;
}

const text = (chunks: Iterable<Uint8Array>) => Buffer.concat([...chunks]).toString('utf8');

describe('rejectedCopy', () => {
  it('writes what one template string per row writes, escapes, nulls and all', () => {
    const rows = [
      row(0),
      row(1, { column: undefined, keptRow: 17, reason: 'duplicate' } as Partial<RejectedRow>),
      row(2, { message: 'tab\there, newline\nthere, back\\slash, cr\r, nul\0', raw: { name: 'Zoë \u{1F600} "quoted" \\ \0 end', note: 'line\nbreak' } }),
      row(3, { raw: { empty: '', number: 12.5, nothing: null } as unknown as RejectedRow['raw'], problems: [] }),
    ];
    expect(text(rejectedCopy(42, rows, files))).toBe(oracle(42, rows));
  });

  it('streams many rows in chunks that end at row boundaries', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => row(i, { message: `m${'x'.repeat(i % 200)}` }));
    const chunks = [...rejectedCopy(7, rows, files)];
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.at(-1)).toBe(0x0a);
    expect(text(chunks)).toBe(oracle(7, rows));
  });

  it('writes nothing for no rows', () => {
    expect([...rejectedCopy(1, [], files)]).toEqual([]);
  });
});
