/**
 * Values that break naive bulk loads, through the whole path (exceljs workbook → prepareRun →
 * COPY text → PostgreSQL): tabs, line breaks, backslashes and the `\N` null marker typed as text,
 * quotes, accents, emoji, very long names, the largest BIGINT and INTEGER ids, and NUL characters
 * (which PostgreSQL refuses in TEXT and JSONB). What the preview shows is what the tables hold.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PreparedRun } from '../../electron/etl/prepareRun';
import { testServers } from '../support/database';
import {
  appointmentRows,
  checksums,
  doctorRows,
  expectedAppointments,
  expectedDoctors,
  expectedRejected,
  freshDatabase,
  load,
  prepareFiles,
  rejectedRows,
  writeWorkbook,
  type Harness,
} from './harness';

const LONG_NAME = `Dr. ${'Ω'.repeat(20_000)}`;
const MAX_BIGINT = '9223372036854775807';
const MAX_INTEGER = 2147483647;

let dir: string;
let edge: PreparedRun;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'healthtech-db-edge-'));
  const doctors = path.join(dir, 'doctors edge.xlsx');
  const appointments = path.join(dir, 'appointments edge.xlsx');
  await writeWorkbook(doctors, "Médecins — l'équipe", [
    ['doctor_id', 'name', 'specialty'],
    [1, 'Tab\there', 'Line\nbreak'],
    [2, 'Back\\slash \\N \\. \\t \\\\', '\\N'],
    [3, `O'Brien "Doc"`, 'Crème brûlée — Ñandú, Zoë, 日本語, العربية'],
    [4, 'Emoji 👩‍⚕️🩺😀', ''],
    [5, 'CR\r\nLF', 'Cardio\r'],
    [6, 'NUL\u0000typed', 'x'],
    [7, LONG_NAME, null],
    [MAX_INTEGER, 'Max Int', 'Edge'],
    [8, '   ', 'nameless: rejected'],
  ]);
  await writeWorkbook(appointments, 'Termine', [
    ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status'],
    [MAX_BIGINT, MAX_BIGINT, 1, '2025-10-21', 'confirmed'],
    ['9223372036854775806', 34, MAX_INTEGER, '2025-10-22', 'Cancelled.'],
    [1001, '9223372036854775808', 1, '2025-10-21', 'confirmed'],
    [1002, 'x\ty"\\😀\n\\N', 1, '2025-10-21', 'confirmed'],
    [1003, 5, 2, '02/30/2025', 'confirmed'],
    [1004, 5, 3, '2025-10-23', 'conf\u0000irmed'],
    [1005, 6, 4, '2025-10-24', 'maybe\t"later"'],
    [1006, 7, 7, '2025-10-24', 'cancelled'],
  ]);
  edge = await prepareFiles(doctors, appointments);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each(testServers())('edge values on $name PostgreSQL', ({ url }) => {
  let h: Harness;
  beforeEach(async () => {
    h = await freshDatabase(url);
  });
  afterEach(async () => {
    await h.close();
  });

  it('survive COPY exactly as the preview shows them', async () => {
    // The workbook really carries the hard cases to the loader.
    const byId = new Map(edge.doctors.map((d) => [d.doctorId, d]));
    expect(byId.get(1)).toMatchObject({ name: 'Tab\there', specialty: 'Line\nbreak' });
    expect(byId.get(2)).toMatchObject({ name: 'Back\\slash \\N \\. \\t \\\\', specialty: '\\N' });
    expect(byId.get(4)).toMatchObject({ specialty: null });
    expect(byId.get(7)?.name).toBe(LONG_NAME);
    expect(byId.get(6)?.name).toBe('NULtyped'); // exceljs drops the NUL when writing (see the next test)
    expect(edge.appointments.map((a) => String(a.bookingId))).toContain(MAX_BIGINT);
    expect(new Set(edge.report.rejected.map((r) => r.reason))).toEqual(new Set(['missing_value', 'integer_out_of_range', 'invalid_integer', 'invalid_date', 'invalid_status']));

    const result = await load(h, edge);

    expect(await doctorRows(h.admin)).toEqual(expectedDoctors(edge));
    expect(await appointmentRows(h.admin)).toEqual(expectedAppointments(edge));
    expect(await rejectedRows(h.admin)).toEqual(expectedRejected(edge, result.runId));
    // Spelled out for the ones people would notice first.
    const { rows } = await h.admin.query<{ specialty: string | null; is_null: boolean; long_name_chars: number; max_booking: string; max_doctor: number }>(
      `SELECT (SELECT specialty FROM healthtech.doctors WHERE doctor_id = 2) AS specialty,
              (SELECT specialty IS NULL FROM healthtech.doctors WHERE doctor_id = 4) AS is_null,
              (SELECT length(name) FROM healthtech.doctors WHERE doctor_id = 7) AS long_name_chars,
              (SELECT max(booking_id)::text FROM healthtech.appointments) AS max_booking,
              (SELECT max(doctor_id) FROM healthtech.doctors) AS max_doctor`,
    );
    expect(rows[0]).toEqual({ specialty: '\\N', is_null: true, long_name_chars: [...LONG_NAME].length, max_booking: MAX_BIGINT, max_doctor: MAX_INTEGER });
    const sheet = await h.admin.query<{ sheet: string; source_file: string }>('SELECT DISTINCT sheet, source_file FROM healthtech.rejected_rows ORDER BY 1');
    expect(sheet.rows).toEqual([
      { sheet: "Médecins — l'équipe", source_file: 'doctors edge.xlsx' },
      { sheet: 'Termine', source_file: 'appointments edge.xlsx' },
    ]);

    // And loading them again changes nothing.
    const before = await checksums(h.admin);
    await load(h, edge);
    expect(await checksums(h.admin)).toEqual(before);
  });

  it('NUL characters load as U+FFFD in text and in the rejected rows’ JSON, instead of failing the load', async () => {
    // exceljs cannot write U+0000 into a workbook (XML forbids it), so the typed NUL above never
    // arrives; rows from any other reader still may. Give the loader such rows directly.
    const withNul: PreparedRun = {
      ...edge,
      doctors: edge.doctors.map((d) => (d.doctorId === 1 ? { ...d, name: 'A\u0000B', specialty: '\u0000' } : d)),
      report: {
        ...edge.report,
        rejected: edge.report.rejected.map((r, i) =>
          i === 0 ? { ...r, message: `bad \u0000 value`, raw: { ...r.raw, name: 'nul\u0000here', note: 'literal \\u0000 stays' } } : r,
        ),
      },
    };

    const result = await load(h, withNul);

    const doctors = await doctorRows(h.admin);
    expect(doctors.find((d) => d.doctor_id === 1)).toMatchObject({ name: 'A\uFFFDB', specialty: '\uFFFD' });
    const first = (await rejectedRows(h.admin)).find((r) => r.file === withNul.report.rejected[0]?.file && r.excel_row === withNul.report.rejected[0]?.row);
    expect(first).toMatchObject({ run_id: String(result.runId), message: 'bad \uFFFD value', raw: expect.objectContaining({ name: 'nul\uFFFDhere', note: 'literal \\u0000 stays' }) });
  });
});
