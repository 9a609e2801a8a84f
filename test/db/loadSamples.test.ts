/**
 * The bundled samples, loaded for real: the tables hold exactly the rows the preview showed, the
 * run is on record with its files and counts, the business questions answer from the tables, and
 * loading the same files again changes nothing (SPEC §5).
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerBusinessQuestions } from '../../electron/db/businessQuestions';
import { appointmentsCopy, doctorsCopy } from '../../electron/db/copyText';
import { rollupsOf } from '../../electron/db/rollups';
import type { PreparedRun } from '../../electron/etl/prepareRun';
import { testServers } from '../support/database';
import {
  SAMPLES,
  SCHEMA,
  appointmentRows,
  checksums,
  doctorRows,
  expectNoLeftovers,
  expectedAppointments,
  expectedDoctors,
  expectedRejected,
  freshDatabase,
  load,
  prepareSamples,
  rejectedRows,
  runs,
  sha256,
  type Harness,
} from './harness';

/** The business answers worked out in plain TypeScript from the prepared rows, not from SQL. */
function answersFromRows(run: PreparedRun) {
  const confirmed = new Map<number, number>(run.doctors.map((d) => [d.doctorId, 0]));
  for (const a of run.appointments) if (a.status === 'confirmed') confirmed.set(a.doctorId, (confirmed.get(a.doctorId) ?? 0) + 1);
  const name = new Map(run.doctors.map((d) => [d.doctorId, d.name]));
  const q4 = [...confirmed]
    .map(([doctor_id, count]) => ({ doctor_id, name: name.get(doctor_id) ?? '', confirmed: count }))
    .sort((a, b) => b.confirmed - a.confirmed || a.doctor_id - b.doctor_id);
  const top = Math.max(...q4.map((d) => d.confirmed));
  return {
    q1: q4.filter((d) => d.confirmed === top).sort((a, b) => a.doctor_id - b.doctor_id),
    q2: run.appointments.filter((a) => String(a.patientId) === '34' && a.status === 'confirmed').length,
    q3: run.appointments.filter((a) => {
      const day = new Date(a.day * 86_400_000).toISOString().slice(0, 10);
      return a.status === 'cancelled' && day >= '2025-10-21' && day <= '2025-10-24';
    }).length,
    q4,
  };
}

describe.each(testServers())('loading the samples on $name PostgreSQL', ({ url }) => {
  let h: Harness;
  beforeEach(async () => {
    h = await freshDatabase(url);
  });
  afterEach(async () => {
    await h.close();
  });

  it('fills the tables with exactly the prepared rows and records the run', async () => {
    const run = await prepareSamples();
    expect(run.report.counts.placeholders).toBeGreaterThan(0);
    expect(run.report.counts.rejected).toBeGreaterThan(0);

    const result = await load(h, run);

    expect(result).toMatchObject({ doctors: run.doctors.length, appointments: run.appointments.length, rejected: run.report.rejected.length });
    const doctors = await doctorRows(h.admin);
    expect(doctors).toEqual(expectedDoctors(run));
    // Placeholder doctors are there, marked as such, with the name and specialty of rule 8.
    expect(doctors.filter((d) => d.is_placeholder).map((d) => d.doctor_id)).toEqual(run.report.placeholders.map((p) => p.doctorId).sort((a, b) => a - b));
    expect(doctors.filter((d) => d.is_placeholder).every((d) => d.name === 'Unknown' && d.specialty === 'Unknown' && d.source_row === null)).toBe(true);
    expect(await appointmentRows(h.admin)).toEqual(expectedAppointments(run));
    expect(await rejectedRows(h.admin)).toEqual(expectedRejected(run, result.runId));

    const [record, ...older] = await runs(h.admin);
    expect(older).toEqual([]);
    const files = run.report.files;
    expect(record).toMatchObject({
      run_id: result.runId,
      outcome: 'succeeded',
      error_code: null,
      error: null,
      source: 'cli',
      run_date: expect.any(Date),
      doctors_file: path.basename(SAMPLES.doctors),
      appointments_file: path.basename(SAMPLES.appointments),
      doctors_sheet: files.doctors.sheet,
      appointments_sheet: files.appointments.sheet,
      doctors_sha256: await sha256(SAMPLES.doctors),
      appointments_sha256: await sha256(SAMPLES.appointments),
      doctors_read: files.doctors.counts.read,
      doctors_kept: files.doctors.counts.kept,
      doctors_rejected: files.doctors.counts.rejected,
      doctors_repeated_headers: files.doctors.counts.repeatedHeaders,
      doctors_blank_rows: files.doctors.counts.blankRows,
      appointments_read: files.appointments.counts.read,
      appointments_kept: files.appointments.counts.kept,
      appointments_rejected: files.appointments.counts.rejected,
      appointments_repeated_headers: files.appointments.counts.repeatedHeaders,
      appointments_blank_rows: files.appointments.counts.blankRows,
      rejected: run.report.counts.rejected,
      duplicates: run.report.counts.duplicates,
      fixed: run.report.counts.fixed,
      placeholders: run.report.counts.placeholders,
      suspicious_dates: run.report.counts.suspicious_dates,
      doctors_loaded: run.doctors.length,
      appointments_loaded: run.appointments.length,
    });
    expect(record?.finished_at).toBeInstanceOf(Date);
    // Reconciliation as recorded: every row read is kept, rejected, a repeated header or blank.
    for (const kind of ['doctors', 'appointments'] as const) {
      const r = record as Record<string, unknown>;
      expect(r[`${kind}_read`]).toBe(Number(r[`${kind}_kept`]) + Number(r[`${kind}_rejected`]) + Number(r[`${kind}_repeated_headers`]) + Number(r[`${kind}_blank_rows`]));
    }

    const answers = await answerBusinessQuestions(h.pool, SCHEMA);
    expect(answers).toEqual(answersFromRows(run));
    expect(answers.q1.length).toBeGreaterThan(0);
    expect(answers.q4).toHaveLength(run.doctors.length);
    await expectNoLeftovers(h);
  });

  it('loading the same files twice gives the same tables, two succeeded runs, and only the latest rejects', async () => {
    const run = await prepareSamples();
    const first = await load(h, run);
    const afterFirst = await checksums(h.admin);
    const second = await load(h, run);
    const afterSecond = await checksums(h.admin);

    expect(afterSecond).toEqual(afterFirst);
    expect(afterFirst.appointmentRows).toBe(run.appointments.length);
    expect(second.runId).not.toBe(first.runId);
    expect((await runs(h.admin)).map((r) => [r.run_id, r.outcome])).toEqual([
      [second.runId, 'succeeded'],
      [first.runId, 'succeeded'],
    ]);
    // rejected_rows describes the data that is loaded now: the second run's rows, once.
    expect(await rejectedRows(h.admin)).toEqual(expectedRejected(run, second.runId));
    await expectNoLeftovers(h);
  });

  it('the new tables arrive complete: keys, indexes, foreign keys, statistics, all pages all-visible', async () => {
    await load(h, await prepareSamples());
    // (NOT NULL rules are constraints too from PostgreSQL 18 on: left out, they are the columns' own.)
    const { rows: constraints } = await h.admin.query<{ table: string; name: string; type: string }>(
      `SELECT conrelid::regclass::text AS table, conname AS name, contype AS type FROM pg_constraint
        WHERE connamespace = $1::regnamespace AND conrelid <> 'healthtech.etl_runs'::regclass AND contype <> 'n' ORDER BY 1, 2`,
      [SCHEMA],
    );
    expect(constraints.map((c) => `${c.table.replace(/^healthtech\./, '')} ${c.name} ${c.type}`)).toEqual([
      'appointments appointments_doctor_id_fkey f',
      'appointments appointments_pkey p',
      'appointments appointments_status_check c',
      'doctors doctors_pkey p',
      'rejected_rows rejected_rows_file_check c',
      'rejected_rows rejected_rows_pkey p',
      'rejected_rows rejected_rows_run_id_fkey f',
    ]);
    const { rows: indexes } = await h.admin.query<{ name: string }>(`SELECT indexname AS name FROM pg_indexes WHERE schemaname = $1 ORDER BY 1`, [SCHEMA]);
    expect(indexes.map((i) => i.name)).toEqual([
      'appointments_booking_date_idx',
      'appointments_by_day_idx',
      'appointments_by_doctor_month_idx',
      'appointments_doctor_idx',
      'appointments_patient_idx',
      'appointments_pkey',
      'booking_lags_idx',
      'doctors_pkey',
      'etl_runs_pkey',
      'etl_runs_started_idx',
      'first_day_bookings_idx',
      'patient_days_by_previous_idx',
      'patients_first_day_idx',
      'patients_first_day_patient_idx',
      'rejected_rows_pkey',
      'rejected_rows_reason_idx',
    ]);
    const { rows: tables } = await h.admin.query<{ name: string; pages: number; visible: number; analyzed: boolean }>(
      `SELECT c.relname AS name, c.relpages AS pages, c.relallvisible AS visible,
              EXISTS (SELECT 1 FROM pg_statistic s WHERE s.starelid = c.oid) AS analyzed
         FROM pg_class c WHERE c.relnamespace = $1::regnamespace AND c.relname IN ('doctors', 'appointments') ORDER BY 1`,
      [SCHEMA],
    );
    for (const table of tables) {
      expect(table.analyzed).toBe(true);
      expect(table.pages).toBeGreaterThan(0);
      // COPY … FREEZE marks the pages it fills (PostgreSQL 14+), a VACUUM after the commit the rest.
      expect(table.visible).toBe(table.pages);
    }
    // The rejected rows' statistics: of the columns they are looked up by, not the messages or JSON.
    const { rows: analysed } = await h.admin.query<{ name: string }>(
      `SELECT a.attname AS name FROM pg_statistic s JOIN pg_attribute a ON a.attrelid = s.starelid AND a.attnum = s.staattnum
        WHERE s.starelid = $1::regclass ORDER BY 1`,
      [`${SCHEMA}.rejected_rows`],
    );
    expect(analysed.map((a) => a.name)).toEqual(['column_name', 'excel_row', 'file', 'reason', 'run_id']);
    await expectNoLeftovers(h);
  });

  it('rows handed over already encoded for COPY (as the reading worker does) load the same tables', async () => {
    const run = await prepareSamples();
    await load(h, run);
    const fromRows = await checksums(h.admin);
    const encoder = new TextEncoder();
    const encoded = (chunks: Iterable<string>, rows: number) => ({ rows, chunks: Array.from(chunks, (chunk) => encoder.encode(chunk)) });

    const result = await load(h, {
      report: run.report,
      doctors: encoded(doctorsCopy(run.doctors), run.doctors.length),
      appointments: encoded(appointmentsCopy(run.appointments), run.appointments.length),
      rollups: rollupsOf(run),
    });

    expect(result).toMatchObject({ doctors: run.doctors.length, appointments: run.appointments.length });
    expect(await checksums(h.admin)).toEqual(fromRows);
    expect(await rejectedRows(h.admin)).toEqual(expectedRejected(run, result.runId));
  });
});
