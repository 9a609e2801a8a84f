/**
 * The CLI's files (SPEC §6): the cleaned tables as the database receives them, the rejected rows
 * with their reasons, and, after a load, the confirmed-by-doctor distribution from queries.sql.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { AppointmentTable } from '../appointmentTable';
import type { PreparedRun } from '../prepareRun';
import { writeAppointmentFields } from './appointmentFields';
import { ByteWriter } from './byteWriter';
import { csvLine } from '../../../shared/spreadsheetText';
import { writeChunks, writeCsv } from './csv';

export interface OutputFiles {
  final_doctors: string;
  final_appointments: string;
  rejected_rows: string;
  confirmed_by_doctor?: string;
}

export async function writeCleanedOutputs(dir: string, run: PreparedRun): Promise<OutputFiles> {
  await mkdir(dir, { recursive: true });
  const files: OutputFiles = {
    final_doctors: path.join(dir, 'final_doctors.csv'),
    final_appointments: path.join(dir, 'final_appointments.csv'),
    rejected_rows: path.join(dir, 'rejected_rows.csv'),
  };
  await writeCsv(
    files.final_doctors,
    ['doctor_id', 'name', 'specialty', 'is_placeholder', 'source_row'],
    run.doctors.map((d) => [d.doctorId, d.name, d.specialty, d.placeholder, d.sourceRow]),
  );
  await writeChunks(files.final_appointments, appointmentsCsv(run.appointments));
  const { report } = run;
  // One file for both sources: the raw columns are the union, empty where a file has no such column.
  const rawColumns = ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status', 'name', 'specialty'];
  await writeCsv(
    files.rejected_rows,
    // `reason` is the first problem's code and `message` its sentence; `problems` has every
    // problem's sentence (one per line) and `problem_codes` their codes, in column order.
    ['file', 'source_file', 'sheet', 'excel_row', 'reason', 'column', 'message', 'problems', 'problem_codes', 'kept_row', ...rawColumns],
    report.rejected.map((r) => [
      r.file,
      report.files[r.file].name,
      report.files[r.file].sheet,
      r.row,
      r.reason,
      r.column ?? '',
      r.message,
      r.problems.map((p) => p.message).join('\n'),
      r.problems.map((p) => p.reason).join(' '),
      r.keptRow ?? '',
      ...rawColumns.map((column) => r.raw[column] ?? ''),
    ]),
  );
  return files;
}

export async function writeConfirmedByDoctor(dir: string, rows: readonly { doctor_id: number; name: string; confirmed: number }[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'confirmed_by_doctor.csv');
  await writeCsv(file, ['doctor_id', 'name', 'confirmed'], rows.map((r) => [r.doctor_id, r.name, r.confirmed]));
  return file;
}

const COMMA = 0x2c;
const CRLF = Buffer.from('\r\n');
const CHUNK_BYTES = 256 * 1024;

/**
 * final_appointments.csv written byte by byte from the table's columns. Every field is digits, a
 * YYYY-MM-DD date or a status word, so none needs quoting or neutralising (csv.ts).
 */
function* appointmentsCsv(table: AppointmentTable): Generator<Uint8Array> {
  const out = new ByteWriter(CHUNK_BYTES + 1024);
  out.text(`\uFEFF${csvLine(['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status', 'source_row'])}`);
  for (let i = 0; i < table.length; i++) {
    writeAppointmentFields(out, table.columns, i, COMMA);
    out.bytes(CRLF);
    if (out.length >= CHUNK_BYTES) yield out.take();
  }
  yield out.take();
}
