import { describe, expect, it } from 'vitest';
import type { PreviewRows, PreviewTable } from '../../shared/contract';
import { FixLog } from '../etl/fixLog';
import type { PreviewReport } from '../etl/report';
import type { Fix, RejectedRow, SuspiciousDate } from '../etl/types';
import { encodePreviewLists, PreviewLists } from '../etl/previewLists';
import { PreviewRowsIndex, scan, startsInRow, type RowsFilter } from './previewRows';

/** A deterministic mix: dates typed many ways, ids with spaces, statuses, doctors' names with accents. */
function makeRun(fixCount: number) {
  const fixes = new FixLog();
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let i = 0; i < fixCount; i++) {
    const row = 2 + i;
    switch (next(5)) {
      case 0: {
        const month = 1 + next(12);
        const day = 1 + next(28);
        fixes.add('appointments', row, 'booking_date', `${month}/${day}/2024`, `2024-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`, 'date_text');
        break;
      }
      case 1:
        fixes.add('appointments', row, 'status', next(2) ? ' Confirmed ' : 'CANCELLED', next(2) ? 'confirmed' : 'cancelled', 'status_standardised');
        break;
      case 2: {
        const id = 100 + next(50);
        fixes.add('appointments', row, 'doctor_id', ` ${id} `, String(id), 'integer_text');
        break;
      }
      case 3: {
        const id = 1000 + next(5000);
        fixes.add('appointments', row, 'patient_id', `${id}.0`, String(id), 'integer_text');
        break;
      }
      default:
        fixes.add('doctors', row, 'name', '  Dr. Ídris ÖZ ', 'Dr. Ídris ÖZ', 'text_trimmed');
    }
  }
  // Texts the packed pairs must carry exactly: emoji (surrogate pairs), NUL, empty, accents.
  fixes.add('appointments', fixCount + 2, 'status', '😀 Confirmed\u0000', 'confirmed', 'status_standardised');
  fixes.add('doctors', fixCount + 3, 'name', ' ', '', 'text_trimmed');
  fixes.add('doctors', fixCount + 4, 'specialty', '\u0000Cardiología 🫀 ', 'Cardiología 🫀', 'text_trimmed');
  const reasons: RejectedRow['reason'][] = ['invalid_date', 'duplicate', 'missing_value', 'invalid_status'];
  const rejected: RejectedRow[] = Array.from({ length: 3000 }, (_, i) => {
    const reason = reasons[i % reasons.length] as RejectedRow['reason'];
    const message = `${reason} in row ${i + 2}: "13/45/2024" Σ`;
    return {
      file: i % 7 === 0 ? 'doctors' : 'appointments',
      row: i + 2,
      reason,
      ...(i % 3 === 0 ? { column: 'booking_date' } : {}),
      message,
      problems: [{ reason, message }],
      raw: { booking_id: String(5000 + i), status: i % 2 ? 'Confirmed' : 'maybe' },
    };
  });
  const suspicious: SuspiciousDate[] = Array.from({ length: 500 }, (_, i) => ({ row: i + 2, bookingId: String(7000 + i), date: `19${10 + (i % 80)}-01-01`, reason: 'before_2000', quarantined: false }));
  const report = { rejected, suspicious, placeholders: [] } as unknown as PreviewReport;
  return { report, fixes };
}

/** The lists filtered the obvious way, one object per row (what the index must agree with). */
function expected(report: PreviewReport, fixes: FixLog, table: PreviewTable, filter: RowsFilter): unknown[] {
  const needle = filter.text?.toLowerCase();
  switch (table) {
    case 'rejected':
    case 'duplicates':
      return report.rejected.filter(
        (row) =>
          (table === 'rejected' || row.reason === 'duplicate') &&
          (!filter.reason || row.reason === filter.reason) &&
          (!filter.file || row.file === filter.file) &&
          (!filter.column || row.column === filter.column) &&
          (!needle || `${row.row} ${row.problems.map((p) => p.message).join(' ')} ${Object.values(row.raw).join(' ')}`.toLowerCase().includes(needle)),
      );
    case 'fixes':
      return [...fixes].filter(
        (fix: Fix) =>
          (!filter.rule || fix.rule === filter.rule) &&
          (!filter.file || fix.file === filter.file) &&
          (!filter.column || fix.column === filter.column) &&
          (!needle || `${fix.row} ${fix.before} ${fix.after}`.toLowerCase().includes(needle)),
      );
    case 'suspicious':
      return report.suspicious.filter((s) => !filter.text || `${s.bookingId} ${s.date} ${s.row}`.includes(filter.text));
    case 'placeholders':
      return report.placeholders;
  }
}

async function allPages(index: PreviewRowsIndex, table: PreviewTable, filter: RowsFilter, limit: number): Promise<{ total: number; rows: unknown[] }> {
  const rows: unknown[] = [];
  let page: PreviewRows;
  let offset = 0;
  do {
    page = await index.page(table, offset, limit, filter);
    rows.push(...page.rows);
    offset += limit;
  } while (offset < page.total);
  return { total: page.total, rows };
}

describe('preview rows', () => {
  const { report, fixes } = makeRun(20_000);

  const cases: [PreviewTable, RowsFilter][] = [
    ['fixes', {}],
    ['fixes', { rule: 'date_text' }],
    ['fixes', { file: 'doctors' }],
    ['fixes', { column: 'status', text: 'CONF' }],
    // texts that can only match inside a pair, and texts that can span the row number
    ['fixes', { text: '/2024' }],
    ['fixes', { text: 'ídris öz' }],
    ['fixes', { text: '2 1' }],
    ['fixes', { text: '17 ' }],
    ['fixes', { text: ' 1' }],
    ['fixes', { text: '999 12/' }],
    ['fixes', { text: 'nothing like this' }],
    ['fixes', { text: '' }],
    ['fixes', { text: '😀' }],
    ['fixes', { text: 'DR. ÍDRIS' }],
    ['fixes', { rule: 'text_trimmed', text: ' ' }],
    ['fixes', { text: '\u0000' }],
    ['fixes', { text: 'logía 🫀' }],
    ['rejected', {}],
    ['rejected', { reason: 'invalid_date' }],
    ['rejected', { file: 'doctors', column: 'booking_date' }],
    ['rejected', { text: 'σ' }],
    ['rejected', { text: '12 invalid' }],
    ['duplicates', {}],
    ['duplicates', { text: 'maybe' }],
    ['suspicious', {}],
    ['suspicious', { text: '1911' }],
  ];

  it.each(cases)('%s with %j: the same rows, in order, as filtering one by one', async (table, filter) => {
    // The index reads the fix log as the main process has it: packed, as it crossed from the worker.
    const index = new PreviewRowsIndex(new PreviewLists(encodePreviewLists(report)), report.placeholders, FixLog.fromData(fixes.toData()));
    const want = expected(report, fixes, table, filter);
    const got = await allPages(index, table, filter, 997);
    expect(got.total).toBe(want.length);
    expect(got.rows).toEqual(want);
  });

  it('a page past the end is empty and keeps the total; a page straddling it is cut', async () => {
    const index = new PreviewRowsIndex(new PreviewLists(encodePreviewLists(report)), report.placeholders, fixes);
    const all = await index.page('fixes', 0, 1, { rule: 'date_text' });
    const past = await index.page('fixes', all.total + 5, 10, { rule: 'date_text' });
    expect(past).toEqual({ table: 'fixes', total: all.total, offset: all.total + 5, rows: [] });
    const last = await index.page('fixes', all.total - 3, 10, { rule: 'date_text' });
    expect(last.rows).toHaveLength(3);
  });

  it('pages asked while a filter is being found share one scan and all get the same answer', async () => {
    const index = new PreviewRowsIndex(new PreviewLists(encodePreviewLists(report)), report.placeholders, fixes);
    const [a, b, c] = await Promise.all([index.page('fixes', 0, 50, { text: '/2024' }), index.page('fixes', 50, 50, { text: '/2024' }), index.page('fixes', 0, 100, { text: '/2024' })]);
    expect(a.total).toBe(b.total);
    expect([...a.rows, ...b.rows]).toEqual(c.rows);
  });
});

describe('scan', () => {
  it('lets the event loop run between slices while a long filter is found', async () => {
    let turns = 0;
    const ticker = setInterval(() => (turns += 1), 0);
    // Each row costs ~20 µs here: 5,000 rows are ~100 ms of work, far more than one slice.
    const slowKeep = (i: number) => {
      const until = performance.now() + 0.02;
      while (performance.now() < until);
      return i % 3 === 0;
    };
    const turnsBefore = turns;
    const found = await scan(5000, slowKeep);
    clearInterval(ticker);
    expect(turns - turnsBefore).toBeGreaterThan(0);
    expect(Array.from(found)).toEqual(Array.from({ length: 1667 }, (_, k) => k * 3));
  });

  it('finds nothing in an empty list, and everything when all match', async () => {
    expect(Array.from(await scan(0, () => true))).toEqual([]);
    expect((await scan(10_000, () => true)).length).toBe(10_000);
  });
});

describe('startsInRow', () => {
  it('agrees with searching the whole text for every needle that starts in the row number', () => {
    const texts = ['', '2024-01-02', '1/2/2024 2024-01-02', ' 12 ', 'x'];
    const rows = ['2', '12', '120', '99999'];
    for (const row of rows) {
      for (const text of texts) {
        const whole = `${row} ${text}`;
        for (let from = 0; from <= row.length; from++) {
          for (let to = from + 1; to <= whole.length; to++) {
            const needle = whole.slice(from, to);
            expect(startsInRow(row, text, needle), `${whole} / ${needle}`).toBe(true);
          }
        }
        for (const needle of ['3', '21', '2 x', ' 2024-01-03', `${row}  `, `${row} ${text}!`]) {
          const oracle = Array.from({ length: row.length + 1 }, (_, start) => whole.startsWith(needle, start)).some(Boolean);
          expect(startsInRow(row, text, needle), `${whole} / ${needle}`).toBe(oracle);
        }
      }
    }
  });
});
