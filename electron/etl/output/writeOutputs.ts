/**
 * The CLI's files (SPEC §6): the cleaned tables as the database receives them, the rejected rows
 * with their reasons, and, after a load, the confirmed-by-doctor distribution from queries.sql.
 *
 * The three cleaned files are opened first (a folder that cannot be written fails the run before
 * the load starts) and then streamed while the host loads the same tables (see etlWorker.ts):
 * each is complete when the write resolves; a write that fails or is cancelled removes the files
 * it opened, so what the folder holds is never a partial file of this run.
 */
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { AppointmentTable } from '../appointmentTable';
import { InternalError, isEtlError } from '../errors';
import type { PreparedRun } from '../prepareRun';
import { writeAppointmentFields } from './appointmentFields';
import { ByteWriter } from './byteWriter';
import { CSV_BOM, csvLine } from '../../../shared/spreadsheetText';
import { writeChunksTo, writeCsv, writeCsvField, writeCsvTo, type CsvValue } from './csv';
import type { RejectedRow, RowProblem } from '../types';

export interface OutputFiles {
  final_doctors: string;
  final_appointments: string;
  rejected_rows: string;
  confirmed_by_doctor?: string;
}

type CleanedName = 'final_doctors' | 'final_appointments' | 'rejected_rows';
const CLEANED: readonly CleanedName[] = ['final_doctors', 'final_appointments', 'rejected_rows'];

/** The three cleaned CSVs, open for writing. */
export class CleanedOutputs {
  private constructor(
    readonly files: Required<Pick<OutputFiles, CleanedName>>,
    private readonly handles: Record<CleanedName, FileHandle>,
  ) {}

  static async open(dir: string): Promise<CleanedOutputs> {
    const files = Object.fromEntries(CLEANED.map((name) => [name, path.join(dir, `${name}.csv`)])) as Record<CleanedName, string>;
    const handles: Partial<Record<CleanedName, FileHandle>> = {};
    let current = dir;
    try {
      await mkdir(dir, { recursive: true });
      for (const name of CLEANED) {
        current = files[name];
        handles[name] = await open(current, 'w');
      }
    } catch (error) {
      await discard(files, handles);
      throw outputError(current, error);
    }
    return new CleanedOutputs(files, handles as Record<CleanedName, FileHandle>);
  }

  /** Writes the run's cleaned tables and closes the files; on failure or cancel, removes them. */
  async write(run: PreparedRun, signal?: AbortSignal): Promise<OutputFiles> {
    const { files, handles } = this;
    let current: string = files.final_doctors;
    try {
      await writeCsvTo(
        handles.final_doctors,
        ['doctor_id', 'name', 'specialty', 'is_placeholder', 'source_row'],
        run.doctors.map((d) => [d.doctorId, d.name, d.specialty, d.placeholder, d.sourceRow]),
        signal,
      );
      current = files.final_appointments;
      await writeChunksTo(handles.final_appointments, appointmentsCsv(run.appointments), signal);
      current = files.rejected_rows;
      await writeChunksTo(handles.rejected_rows, rejectedCsv(run), signal);
      for (const name of CLEANED) {
        current = files[name];
        await handles[name].close();
      }
    } catch (error) {
      await discard(files, handles);
      throw isEtlError(error) ? error : outputError(current, error);
    }
    return { ...files };
  }

  /** Closes and removes the files without writing them (the run failed before they were written). */
  async discard(): Promise<void> {
    await discard(this.files, this.handles);
  }
}

/** Opens and writes the three cleaned files in one go. */
export async function writeCleanedOutputs(dir: string, run: PreparedRun, signal?: AbortSignal): Promise<OutputFiles> {
  return (await CleanedOutputs.open(dir)).write(run, signal);
}

export async function writeConfirmedByDoctor(dir: string, rows: readonly { doctor_id: number; name: string; confirmed: number }[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'confirmed_by_doctor.csv');
  await writeCsv(file, ['doctor_id', 'name', 'confirmed'], rows.map((r) => [r.doctor_id, r.name, r.confirmed]));
  return file;
}

// One file for both sources: the raw columns are the union, empty where a file has no such column.
const RAW_COLUMNS = ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status', 'name', 'specialty'];
// `reason` is the first problem's code and `message` its sentence; `problems` has every
// problem's sentence (one per line) and `problem_codes` their codes, in column order.
const REJECTED_HEADER = ['file', 'source_file', 'sheet', 'excel_row', 'reason', 'column', 'message', 'problems', 'problem_codes', 'kept_row', ...RAW_COLUMNS];

/**
 * rejected_rows.csv written field by field into byte chunks (writeCsvField), into one buffer lent
 * chunk after chunk. An array per rejected row, its fields made strings and joined into a line
 * encoded again, each chunk in a fresh buffer, took 240–360 ms of CPU for the 41,574 rejected
 * rows of a million openpyxl rows, one cold pass as in the worker; this takes 165–220 ms
 * (alternating processes, load average 3–4).
 */
function* rejectedCsv(run: PreparedRun): Generator<Uint8Array> {
  const { report } = run;
  const out = new ByteWriter(CHUNK_BYTES + 64 * 1024);
  out.text(`${CSV_BOM}${csvLine(REJECTED_HEADER)}`);
  const leading = (file: RejectedRow['file']) => Buffer.from(csvLine([file, report.files[file].name, report.files[file].sheet, '']).slice(0, -2));
  const lead = { doctors: leading('doctors'), appointments: leading('appointments') };
  const field = (value: CsvValue) => {
    out.byte(COMMA);
    writeCsvField(out, value);
  };
  for (const r of report.rejected) {
    out.bytes(lead[r.file]);
    writeCsvField(out, r.row);
    field(r.reason);
    field(r.column ?? '');
    field(r.message);
    field(r.problems.length === 1 ? (r.problems[0] as RowProblem).message : r.problems.map((p) => p.message).join('\n'));
    field(r.problems.length === 1 ? (r.problems[0] as RowProblem).reason : r.problems.map((p) => p.reason).join(' '));
    field(r.keptRow ?? '');
    for (const column of RAW_COLUMNS) field(r.raw[column] ?? '');
    out.bytes(CRLF);
    if (out.length >= CHUNK_BYTES) yield out.lend();
  }
  yield out.lend();
}

async function discard(files: Record<CleanedName, string>, handles: Partial<Record<CleanedName, FileHandle>>): Promise<void> {
  for (const name of CLEANED) {
    const handle = handles[name];
    if (!handle) continue;
    await handle.close().catch(() => undefined);
    await rm(files[name], { force: true }).catch(() => undefined);
  }
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENOTDIR: 'part of the path is a file, not a folder',
  EISDIR: 'a folder of that name is in the way',
  EEXIST: 'a file is in the way of the folder',
};

function outputError(file: string, error: unknown): InternalError {
  const code = (error as NodeJS.ErrnoException)?.code;
  const reason = (code && REASONS[code]) ?? (error instanceof Error ? error.message : String(error));
  return new InternalError('output_failed', `Could not write ${file}: ${reason}. Nothing was loaded; choose another --output_dir.`, { file, ...(code ? { errno: code } : {}) }, { cause: error });
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
    if (out.length >= CHUNK_BYTES) yield out.lend();
  }
  yield out.lend();
}
