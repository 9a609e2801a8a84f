/**
 * The streaming pipeline against an independent, deliberately simple implementation of SPEC §4
 * (test/oracle, which reads with exceljs's non-streaming API): on the bundled samples and on
 * generated workbooks with every kind of dirt, both must agree row for row.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareRun, type PrepareOptions } from '../../electron/etl/prepareRun';
import { isoFromDay } from '../../electron/etl/rules/calendar';
import { idText } from '../../electron/etl/rules/parseInteger';
import { generateWorkbooks, type GenerateOptions } from '../../scripts/generator/generateWorkbooks';
import { referenceClean, type ReferenceOptions } from '../oracle/referenceClean';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'oracle-agreement-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function compare(doctorsPath: string, appointmentsPath: string, options: Omit<ReferenceOptions, 'runDate'> & { runDate?: string } = {}) {
  const runDate = options.runDate ?? '2025-11-01';
  const expected = await referenceClean(doctorsPath, appointmentsPath, { ...options, runDate });
  const prepareOptions: PrepareOptions = {
    doctors: { path: doctorsPath },
    appointments: { path: appointmentsPath },
    runDate,
    ...(options.dateOrder ? { dateOrder: options.dateOrder } : {}),
    suspiciousPolicy: options.quarantineSuspicious ? 'quarantine' : 'warn',
  };
  const actual = await prepareRun(prepareOptions);
  const { report } = actual;

  expect(report.counts).toEqual(expected.counts);
  expect(report.placeholders.map((p) => p.doctorId)).toEqual(expected.placeholders);
  expect(report.dateOrder.used).toBe(expected.dateOrder.used);
  expect(report.dateOrder.evidence.dayFirst).toBe(expected.dateOrder.dayFirstEvidence);
  expect(report.dateOrder.evidence.monthFirst).toBe(expected.dateOrder.monthFirstEvidence);
  for (const kind of ['doctors', 'appointments'] as const) {
    const { read, kept, rejected, repeatedHeaders, blankRows } = report.files[kind].counts;
    expect({ kind, read, kept, rejected, repeatedHeaders, blankRows }).toEqual({ kind, ...expected.perFile[kind] });
    expect(report.files[kind].reconciled).toBe(true);
  }
  const byFileRow = (a: { file: string; row: number }, b: { file: string; row: number }) => a.file.localeCompare(b.file) || a.row - b.row;
  expect(
    report.rejected
      .map((r) => {
        const also = r.problems.slice(1).map((p) => `${p.column ?? ''}:${p.reason}`);
        return {
          file: r.file,
          row: r.row,
          reason: r.reason,
          ...(r.column && r.reason !== 'duplicate' && r.reason !== 'suspicious_date' ? { column: r.column } : {}),
          ...(r.keptRow ? { keptRow: r.keptRow } : {}),
          ...(also.length ? { also } : {}),
        };
      })
      .sort(byFileRow),
  ).toEqual(expected.rejected.map((r) => ({ ...r })).sort(byFileRow));
  expect(actual.doctors.map((d) => ({ doctor_id: d.doctorId, name: d.name, specialty: d.specialty, placeholder: d.placeholder }))).toEqual(expected.doctors);
  expect(
    [...actual.appointments]
      .map((a) => ({ booking_id: idText(a.bookingId), patient_id: idText(a.patientId), doctor_id: a.doctorId, booking_date: isoFromDay(a.day), status: a.status }))
      .sort((a, b) => (BigInt(a.booking_id) < BigInt(b.booking_id) ? -1 : 1)),
  ).toEqual(expected.appointments);
  return { actual, expected };
}

async function generated(name: string, options: Omit<GenerateOptions, 'outDir'>) {
  return generateWorkbooks({ ...options, outDir: path.join(dir, name) });
}

describe('the pipeline agrees with the reference implementation', () => {
  it('on the bundled samples', async () => {
    const { expected } = await compare('samples/doctors.xlsx', 'samples/appointments.xlsx', { runDate: '2026-11-25' });
    expect(expected.counts.rejected).toBeGreaterThan(10);
  });

  it('on the bundled samples with suspicious dates quarantined', async () => {
    const { expected } = await compare('samples/doctors.xlsx', 'samples/appointments.xlsx', { runDate: '2026-11-25', quarantineSuspicious: true });
    expect(expected.rejected.some((r) => r.reason === 'suspicious_date')).toBe(true);
  });

  it.each([1, 2, 3, 4, 5])('on generated workbooks with every kind of dirt (seed %i)', async (seed) => {
    const files = await generated(`seed-${seed}`, { seed, appointments: 3000, doctors: 40 });
    await compare(files.doctorsPath, files.appointmentsPath);
  });

  it('on day-first workbooks, detected and forced', async () => {
    const files = await generated('dmy', { seed: 7, appointments: 2000, slashDateOrder: 'dmy' });
    const { actual } = await compare(files.doctorsPath, files.appointmentsPath);
    expect(actual.report.dateOrder.used).toBe('dmy');
    await compare(files.doctorsPath, files.appointmentsPath, { dateOrder: 'mdy' });
  });

  it('on the 1904 date system, a sheet that is not first, and impossible dates that read neither way', async () => {
    const files = await generated('1904', { seed: 11, appointments: 1500, date1904: true, dirt: { ambiguousImpossibleDate: 0.01 } });
    await compare(files.doctorsPath, files.appointmentsPath);
  });

  it('on clean data: nothing rejected, nothing fixed', async () => {
    const files = await generated('clean', { seed: 3, appointments: 1000, dirt: cleanDirt(), examples: false });
    const { actual } = await compare(files.doctorsPath, files.appointmentsPath);
    expect(actual.report.counts.rejected).toBe(0);
  });
});

function cleanDirt() {
  return Object.fromEntries(
    [
      'idAsText', 'idNonNumeric', 'idDecimal', 'idNegative', 'idOutOfRange', 'emptyPatientId', 'emptyRequired', 'textDate', 'textDateWithTime', 'serialDate',
      'dateTimeCell', 'impossibleDate', 'ambiguousImpossibleDate', 'fillSeries', 'statusVariant', 'invalidStatus', 'unknownDoctor', 'duplicateBooking',
      'duplicateDoctor', 'repeatedHeader', 'blankRow', 'headerVariant', 'extraColumns', 'leadingBlankRows', 'paddedText', 'emptySpecialty', 'missingDoctorName',
    ].map((k) => [k, 0]),
  );
}
