import { describe, expect, it } from 'vitest';
import { AppointmentTable, STATUSES } from '../etl/appointmentTable';
import { isoFromDay } from '../etl/rules/calendar';
import { groupPatients } from '../etl/patientGroups';
import type { RejectedRow } from '../etl/types';
import { HOSTILE } from '../../test/support/hostileText';
import { appointmentTableBinaryCopy, appointmentTableCopy, CHUNK_ROWS, copyEscape, rejectedCopy, rejectedCopyWithoutRunId, withRunId } from './copyText';

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

  // The fields are escaped byte by byte now (ByteWriter.escaped); the old way, a regex, JSON.stringify
  // and Buffer.write, is the oracle. Compared as bytes: a lone surrogate is U+FFFD in the text
  // columns, as Buffer.write made it, and \udxxx inside the JSON, as JSON.stringify writes it.
  it('writes every hostile value byte for byte as the regex and JSON.stringify did', () => {
    const rows = HOSTILE.flatMap((value, i) => [
      row(i, { message: value, column: value, raw: { booking_id: value, [value]: 'as a key', name: `${value}|${value}` } }),
      row(i + 1000, {
        reason: 'duplicate',
        column: undefined,
        keptRow: i,
        problems: [
          { reason: 'invalid_date', column: value, message: value },
          { reason: 'missing_value', message: `${value}${value}` },
        ],
        raw: { [`k${i}`]: value },
      } as Partial<RejectedRow>),
    ]);
    // latin1: byte for byte, and a readable diff when they differ.
    const expected = Buffer.from(oracle(3, rows), 'utf8').toString('latin1');
    expect(Buffer.concat([...rejectedCopy(3, rows, files)]).toString('latin1')).toBe(expected);
    expect(Buffer.concat([...withRunId(3, rejectedCopyWithoutRunId(rows, files))]).toString('latin1')).toBe(expected);
  });
});

/** Reads COPY's binary format back (header, rows of length-prefixed fields, trailer) as the text format's lines. */
function binaryAsText(chunks: Iterable<Uint8Array>): string {
  const buf = Buffer.concat([...chunks]);
  expect(buf.subarray(0, 11).equals(Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'))).toBe(true);
  let at = 19;
  const lines: string[] = [];
  for (;;) {
    const fields = buf.readInt16BE(at);
    at += 2;
    if (fields === -1) break;
    expect(fields).toBe(7);
    const values: Buffer[] = [];
    for (let f = 0; f < fields; f++) {
      const length = buf.readInt32BE(at);
      values.push(buf.subarray(at + 4, at + 4 + length));
      at += 4 + length;
    }
    const [booking, patient, doctor, day, status, sourceRow, first] = values as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
    const date = (value: Buffer) => isoFromDay(value.readInt32BE(0) + 10_957);
    lines.push([booking.readBigInt64BE(0), patient.readBigInt64BE(0), doctor.readInt32BE(0), date(day), status.toString('latin1'), sourceRow.readInt32BE(0), date(first)].join('\t') + '\n');
  }
  expect(at).toBe(buf.length);
  return lines.join('');
}

function table(rows: { booking: number | string; patient: number | string; doctor: number; day: number; status: number; sourceRow: number }[]): AppointmentTable {
  const big = (value: number | string) => (typeof value === 'string' ? Number.NaN : value);
  const bigMap = (pick: (r: (typeof rows)[number]) => number | string) => new Map(rows.flatMap((r, i) => (typeof pick(r) === 'string' ? [[i, pick(r) as string] as const] : [])));
  return new AppointmentTable({
    bookingIds: Float64Array.from(rows, (r) => big(r.booking)),
    patientIds: Float64Array.from(rows, (r) => big(r.patient)),
    bigBookingIds: bigMap((r) => r.booking),
    bigPatientIds: bigMap((r) => r.patient),
    doctorIds: Int32Array.from(rows, (r) => r.doctor),
    days: Int32Array.from(rows, (r) => r.day),
    statuses: Uint8Array.from(rows, (r) => r.status),
    sourceRows: Uint32Array.from(rows, (r) => r.sourceRow),
  });
}

describe('appointmentTableBinaryCopy', () => {
  it('holds the same rows and values as the text COPY, ids beyond 2^53 and days far from 2000 included', () => {
    expect(STATUSES).toEqual(['confirmed', 'cancelled']);
    const t = table([
      { booking: 1, patient: 7, doctor: 3, day: 20_000, status: 0, sourceRow: 2 },
      { booking: 0, patient: 7, doctor: 2_147_483_647, day: 10_957, status: 1, sourceRow: 3 },
      { booking: Number.MAX_SAFE_INTEGER, patient: 4_294_967_296, doctor: 1, day: -25_567, status: 0, sourceRow: 1_048_576 },
      { booking: '9223372036854775807', patient: '9007199254740993', doctor: 5, day: 2_932_896, status: 1, sourceRow: 5 },
      { booking: 4_294_967_295, patient: 12, doctor: 6, day: 0, status: 1, sourceRow: 6 },
    ]);
    expect(binaryAsText(appointmentTableBinaryCopy(t))).toBe(Buffer.concat([...appointmentTableCopy(t)]).toString('utf8'));
  });

  it('writes the same bytes from the patient groups the reading worker stores with the columns', () => {
    const t = table(Array.from({ length: 500 }, (_, i) => ({ booking: i + 1, patient: i % 7 === 0 ? '9007199254740993' : (i * 31) % 53, doctor: i % 5, day: 19_000 - (i % 300), status: i % 2, sourceRow: i + 2 })));
    const grouped = new AppointmentTable({ ...t.columns, patientGroups: groupPatients(t.columns, true) });
    expect(Buffer.concat([...appointmentTableBinaryCopy(grouped)])).toEqual(Buffer.concat([...appointmentTableBinaryCopy(t)]));
  });

  it('writes CHUNK_ROWS rows a chunk (the load counts progress by them), and a valid empty COPY for no rows', () => {
    const n = CHUNK_ROWS * 2 + 3;
    const t = table(Array.from({ length: n }, (_, i) => ({ booking: i + 1, patient: i % 97, doctor: i % 5, day: 19_000 + (i % 400), status: i % 2, sourceRow: i + 2 })));
    const chunks = [...appointmentTableBinaryCopy(t)];
    expect(chunks).toHaveLength(3);
    expect(binaryAsText(chunks)).toBe(Buffer.concat([...appointmentTableCopy(t)]).toString('utf8'));
    expect(binaryAsText(appointmentTableBinaryCopy(AppointmentTable.empty()))).toBe('');
  });
});

// The CLI's worker writes the rejected rows before the run has an id; the load puts the id in
// front of each line. The result must be what rejectedCopy writes, byte for byte.
describe('rejected rows without the run id', () => {
  it('with the run id put in front of each line, equal rejectedCopy, across chunks and awkward values', () => {
    const rows = [
      ...Array.from({ length: 3000 }, (_, i) => row(i)),
      row(3001, { message: 'tab\there\nnew\\line\r', keptRow: 7, raw: { status: 'con\tfirmed', patient_id: 'a\0b', name: 'Zoë 🙂' } }),
    ];
    const without = rejectedCopyWithoutRunId(rows, files);
    expect(without.length).toBeGreaterThan(1);
    for (const runId of [42, 9_007_199_254_740_991]) {
      const loaded = text(withRunId(runId, without));
      expect(loaded).toBe(text(rejectedCopy(runId, rows, files)));
      expect(loaded).toBe(oracle(runId, rows));
    }
  });

  it('in place, in the room after each chunk, writes the same; a chunk without the room is copied', () => {
    const rows = [...Array.from({ length: 3000 }, (_, i) => row(i)), ...HOSTILE.map((value, i) => row(i, { message: value, raw: { name: value } }))];
    for (const runId of [42, 9_007_199_254_740_991]) {
      const without = rejectedCopyWithoutRunId(rows, files);
      expect(without.length).toBeGreaterThan(1);
      const buffers = without.map((chunk) => chunk.buffer);
      const loaded = [...withRunId(runId, without, { inPlace: true })];
      expect(loaded.map((chunk) => chunk.buffer)).toEqual(buffers);
      expect(Buffer.concat(loaded).toString('latin1')).toBe(Buffer.from(oracle(runId, rows), 'utf8').toString('latin1'));
      // Exactly as long as their lines: no room, so copied, and left as they were.
      const tight = rejectedCopyWithoutRunId(rows, files).map((chunk) => Uint8Array.from(chunk));
      const before = Buffer.concat(tight);
      expect(Buffer.concat([...withRunId(runId, tight, { inPlace: true })]).toString('latin1')).toBe(Buffer.from(oracle(runId, rows), 'utf8').toString('latin1'));
      expect(Buffer.concat(tight).equals(before)).toBe(true);
    }
  });

  it('no rows give no bytes', () => {
    expect(text(withRunId(5, rejectedCopyWithoutRunId([], files)))).toBe('');
  });

  it('a chunk that does not end with a whole line is refused, not loaded misaligned', () => {
    expect(() => [...withRunId(5, [Buffer.from('a\tb\nc\td')])]).toThrow(/whole line/);
    expect(() => [...withRunId(5, [Buffer.from('a\tb\nc\td')], { inPlace: true })]).toThrow(/whole line/);
  });
});
