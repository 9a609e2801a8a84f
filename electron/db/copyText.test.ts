/**
 * The rejected rows' COPY text as the CLI's worker writes it (before the run has an id) must be,
 * once the load puts the run id in front of each line, byte for byte the text written from the
 * rows at the load: values with tabs, newlines, backslashes and NULs included.
 */
import { describe, expect, it } from 'vitest';
import { prepareRun } from '../etl/prepareRun';
import type { RejectedRow } from '../etl/types';
import { CHUNK_ROWS, rejectedCopy, rejectedCopyWithoutRunId, withRunId } from './copyText';

const files = { doctors: { name: 'doc\ttors.xlsx', sheet: 'Doctors' }, appointments: { name: 'appointments.xlsx', sheet: 'Sheet\\1' } };
const decode = (chunks: Iterable<Uint8Array>) => Array.from(chunks, (chunk) => Buffer.from(chunk).toString('utf8')).join('');

const awkward: RejectedRow[] = [
  {
    file: 'appointments',
    row: 7,
    reason: 'invalid_status',
    column: 'status',
    message: 'status "con\tfirmed\\n" is not a status',
    problems: [{ reason: 'invalid_status', column: 'status', message: 'line one\nline two\r\n' }],
    raw: { status: 'con\tfirmed\\n', patient_id: 'a\0b', name: 'Zoë 🙂' },
  },
  { file: 'doctors', row: 3, reason: 'duplicate', message: 'duplicate doctor_id 1: row 2 was kept (first in the file)', problems: [], keptRow: 2, raw: {} },
];

describe('rejected rows as COPY text without the run id', () => {
  it('with the run id put in front of each line, equal the text written from the rows', async () => {
    const samples = await prepareRun({ doctors: { path: 'samples/doctors.xlsx' }, appointments: { path: 'samples/appointments.xlsx' }, runDate: '2026-11-25' });
    // More than one chunk, so chunk boundaries are crossed too.
    const rows = [...awkward, ...Array.from({ length: Math.ceil((CHUNK_ROWS * 1.5) / samples.report.rejected.length) }, () => samples.report.rejected).flat()];
    expect(rows.length).toBeGreaterThan(CHUNK_ROWS);
    for (const runId of [42, 9_007_199_254_740_991]) {
      expect(decode(withRunId(runId, rejectedCopyWithoutRunId(rows, files)))).toBe([...rejectedCopy(runId, rows, files)].join(''));
    }
  });

  it('no rows give no text', () => {
    expect(decode(withRunId(5, rejectedCopyWithoutRunId([], files)))).toBe('');
  });

  it('a chunk that does not end with a whole line is refused, not loaded misaligned', () => {
    expect(() => [...withRunId(5, [Buffer.from('a\tb\nc\td')])]).toThrow(/whole line/);
  });
});
