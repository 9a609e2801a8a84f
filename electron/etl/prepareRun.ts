/**
 * Extract and transform, end to end, without touching a database: reads both workbooks, applies
 * every rule of SPEC §4 and returns the final tables with the preview report. This is what the
 * preview shows and what the load writes; nothing is decided later.
 */
import path from 'node:path';
import { AppointmentRows, APPOINTMENT_COLUMNS, finishAppointments } from './clean/cleanAppointments';
import { DOCTOR_COLUMNS, DoctorRows, finishDoctors } from './clean/cleanDoctors';
import { SheetTable } from './clean/sheetTable';
import { UsageError, throwIfCancelled } from './errors';
import { hashFile } from './extract/hashFile';
import { describeChoice, findDataSheet, noDataSheet } from './extract/chooseDataSheet';
import { chooseSheet, type SheetEntry, type ZipLimits } from './extract/inspectWorkbook';
import { OpenedWorkbook, asInputError } from './extract/xlsxStream/readWorksheet';
import { mapHeader, type ColumnSpec } from './rules/columnNames';
import { FixLog } from './fixLog';
import { silentLogger, type Logger } from './logger';
import { reconciles, type FileReport, type PreviewReport } from './report';
import { dayFromIso, isoFromDay, todayDay } from './rules/calendar';
import { decideDateOrder } from './rules/dateOrder';
import { findPlaceholdersInColumns, placeholderDoctor } from './rules/placeholders';
import type { AppointmentTable } from './appointmentTable';
import type { DateOrderOption, FileKind, FinalDoctor, RawCell, SuspiciousPolicy } from './types';

export interface InputFile {
  path: string;
  /** Sheet to read; default the first. */
  sheet?: string;
}

export interface PrepareOptions {
  doctors: InputFile;
  appointments: InputFile;
  dateOrder?: DateOrderOption;
  suspiciousPolicy?: SuspiciousPolicy;
  /** YYYY-MM-DD; default today. Injectable so rule 9 is reproducible. */
  runDate?: string;
  zipLimits?: ZipLimits;
}

export type PreparePhase = 'read' | 'clean';

export interface PrepareProgress {
  phase: PreparePhase;
  file: FileKind;
  bytesRead: number;
  bytesTotal: number;
  rows: number;
}

export interface PrepareHooks {
  signal?: AbortSignal;
  onProgress?: (progress: PrepareProgress) => void;
  logger?: Logger;
}

export interface PreparedRun {
  report: PreviewReport;
  doctors: FinalDoctor[];
  /** Columns, not objects (see AppointmentTable); `at(i)` and iteration give FinalAppointment objects. */
  appointments: AppointmentTable;
  fixes: FixLog;
  /**
   * Wall time per phase, for logs and the benchmark. The reads overlap: readDoctorsMs is from the
   * start until the doctors file was read, readAppointmentsMs the rest of the read, so they add up.
   */
  timings: { readDoctorsMs: number; readAppointmentsMs: number; cleanMs: number };
}

export async function prepareRun(options: PrepareOptions, hooks: PrepareHooks = {}): Promise<PreparedRun> {
  const logger = hooks.logger ?? silentLogger;
  const requestedOrder = options.dateOrder ?? 'auto';
  const policy = options.suspiciousPolicy ?? 'warn';
  const runDay = resolveRunDay(options.runDate);

  const readStarted = Date.now();
  const doctorRows = new DoctorRows();
  const appointmentRows = new AppointmentRows();
  // Both files are read at once: opening, hashing and inflating one overlaps parsing the other.
  // Errors are reported as if read one after the other: a bad doctors file is named first, and
  // stops the appointments read.
  const stopAppointments = new AbortController();
  const appointmentsSignal = hooks.signal ? AbortSignal.any([hooks.signal, stopAppointments.signal]) : stopAppointments.signal;
  const timed = <T>(reading: Promise<T>) => reading.then((read) => ({ read, ms: Date.now() - readStarted }));
  const doctorsReading = timed(readInto('doctors', options.doctors, DOCTOR_COLUMNS, (row, cells) => doctorRows.add(row, cells), options, hooks, logger));
  const appointmentsReading = timed(
    readInto('appointments', options.appointments, APPOINTMENT_COLUMNS, (row, cells) => appointmentRows.add(row, cells), options, { ...hooks, signal: appointmentsSignal }, logger, {
      reserve: (rows) => appointmentRows.reserve(rows),
    }),
  );
  appointmentsReading.catch(() => undefined);
  let doctorsDone: Awaited<typeof doctorsReading>;
  try {
    doctorsDone = await doctorsReading;
  } catch (error) {
    stopAppointments.abort();
    await appointmentsReading.catch(() => undefined);
    throw error;
  }
  const { read: doctorsRead, ms: readDoctorsMs } = doctorsDone;
  const { read: appointmentsRead, ms: appointmentsMs } = await appointmentsReading;
  const readAppointmentsMs = appointmentsMs - readDoctorsMs;
  throwIfCancelled(hooks.signal);

  const started = Date.now();
  hooks.onProgress?.({ phase: 'clean', file: 'appointments', bytesRead: 0, bytesTotal: 0, rows: appointmentRows.length });
  const decision = decideDateOrder(requestedOrder, appointmentRows.evidence, {
    file: path.basename(options.appointments.path),
    sheet: appointmentsRead.sheet,
    column: 'booking_date',
  });

  const fixes = new FixLog();
  const doctorsOutcome = finishDoctors(doctorRows, fixes);
  const doctorFixes = fixes.size;
  const appointmentsOutcome = finishAppointments(appointmentRows, { order: decision.used, runDay, policy }, fixes);
  const appointmentFixes = fixes.size - doctorFixes;

  const knownIds = new Set(doctorsOutcome.kept.map((doctor) => doctor.doctorId));
  const placeholders = findPlaceholdersInColumns(appointmentsOutcome.kept.columns, knownIds);
  const doctors = [...doctorsOutcome.kept, ...placeholders.map((use) => placeholderDoctor(use.doctorId))].sort((a, b) => a.doctorId - b.doctorId);
  const appointments = appointmentsOutcome.kept;

  const doctorsFile = fileReport('doctors', options.doctors.path, doctorsRead, {
    kept: doctorsOutcome.kept.length,
    rejected: doctorsOutcome.rejected.length,
    fixed: doctorFixes,
  });
  const appointmentsFile = fileReport('appointments', options.appointments.path, appointmentsRead, {
    kept: appointments.length,
    rejected: appointmentsOutcome.rejected.length,
    fixed: appointmentFixes,
  });

  const warnings: string[] = [];
  for (const read of [doctorsRead, appointmentsRead]) if (read.note) warnings.push(read.note);
  for (const file of [doctorsFile, appointmentsFile]) {
    if (file.columns.extra.length > 0) warnings.push(`${file.name}: extra columns ignored: ${file.columns.extra.map((c) => `"${c}"`).join(', ')}.`);
    if (file.columns.repeated.length > 0) warnings.push(`${file.name}: columns appear twice, the first is used: ${file.columns.repeated.map((c) => `"${c}"`).join(', ')}.`);
    if (file.columns.missingOptional.length > 0) warnings.push(`${file.name}: no ${file.columns.missingOptional.join(', ')} column; those values are empty.`);
    if (!file.reconciled) warnings.push(`${file.name}: row counts do not reconcile (read ${file.counts.read}).`);
  }
  if (appointmentsOutcome.suspicious.length > 0) {
    warnings.push(
      `${appointmentsOutcome.suspicious.length} booking date(s) are before 2000-01-01 or more than 365 days after ${isoFromDay(runDay)}` +
        (policy === 'quarantine' ? ' and were quarantined.' : '; they are kept (use the quarantine option to reject them).'),
    );
  }

  const report: PreviewReport = {
    formatVersion: 1,
    runDate: isoFromDay(runDay),
    options: { dateOrder: requestedOrder, suspiciousPolicy: policy },
    files: { doctors: doctorsFile, appointments: appointmentsFile },
    dateOrder: { ...decision, evidence: appointmentRows.evidence },
    counts: {
      doctors: doctors.length,
      appointments: appointments.length,
      rejected: doctorsOutcome.rejected.length + appointmentsOutcome.rejected.length,
      duplicates: doctorsOutcome.duplicates + appointmentsOutcome.duplicates,
      placeholders: placeholders.length,
      suspicious_dates: appointmentsOutcome.suspicious.length,
      fixed: fixes.size,
    },
    placeholders,
    suspicious: appointmentsOutcome.suspicious,
    rejected: [...doctorsOutcome.rejected, ...appointmentsOutcome.rejected],
    fixGroups: fixes.groups(),
    warnings,
  };
  logger.log('info', 'clean finished', {
    ms: Date.now() - started,
    doctors: report.counts.doctors,
    appointments: report.counts.appointments,
    rejected: report.counts.rejected,
    duplicates: report.counts.duplicates,
    placeholders: report.counts.placeholders,
    suspicious_dates: report.counts.suspicious_dates,
    fixed: report.counts.fixed,
    date_order: decision.used,
  });
  return { report, doctors, appointments, fixes, timings: { readDoctorsMs, readAppointmentsMs, cleanMs: Date.now() - started } };
}

interface SheetRead {
  /** How the sheet was chosen among several, when it was. */
  note: string | null;
  table: SheetTable;
  sheet: string;
  sheets: string[];
  sizeBytes: number;
  sha256: string;
}

async function readInto(
  kind: FileKind,
  input: InputFile,
  spec: ColumnSpec,
  add: (row: number, cells: RawCell[]) => void,
  options: PrepareOptions,
  hooks: PrepareHooks,
  logger: Logger,
  sink: { reserve?: (rows: number) => void } = {},
): Promise<SheetRead> {
  const started = Date.now();
  const table = new SheetTable(spec, { file: input.path });
  let rows = 0;
  let lastReport = 0;
  let bytesTotal = 0;
  let bytesRead = 0;
  const report = () => hooks.onProgress?.({ phase: 'read', file: kind, bytesRead, bytesTotal, rows });
  const hashing = hashFile(input.path).catch(() => '');
  const workbook = await OpenedWorkbook.open(input.path, {
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    ...(options.zipLimits ? { zipLimits: options.zipLimits } : {}),
  });
  let target: SheetEntry | undefined;
  let note: string | null;
  try {
    ({ sheet: target, note } = await chooseInputSheet(workbook, input, spec, hooks.signal));
    table.setSheet(target.name);
    // Told before the rows come at most how many can (sizes the columns once).
    sink.reserve?.(workbook.rowsAtMost(target));
    await workbook.readRows(
      target,
      (row, cells) => {
        rows += 1;
        const data = table.accept(row, cells);
        if (data) add(row, data);
        if (rows - lastReport >= 5000) {
          lastReport = rows;
          report();
        }
      },
      {
        onBytes: (read, total) => {
          bytesRead = read;
          bytesTotal = total;
        },
        // SheetTable copies what it keeps (the header's texts, a data row's picked cells).
        reuseRow: true,
      },
    );
  } catch (error) {
    throw asInputError(error, input.path, target?.name, hooks.signal);
  } finally {
    workbook.close();
  }
  const info = { sheet: (target as SheetEntry).name, sheets: workbook.sheets.map((sheet) => sheet.name), sizeBytes: workbook.sizeBytes };
  table.finish();
  bytesRead = bytesTotal;
  report();
  const sha256 = await hashing;
  logger.log('info', `read ${kind}`, { file: path.basename(input.path), sheet: info.sheet, rows: table.counts.read, ms: Date.now() - started });
  return { table, sheet: info.sheet, sheets: info.sheets, sizeBytes: info.sizeBytes, sha256, note };
}

/**
 * The sheet named by the caller; else the only sheet; else the first (visible before hidden) whose
 * header row has the required columns, with a note of the choice; none fits → every sheet listed.
 */
async function chooseInputSheet(workbook: OpenedWorkbook, input: InputFile, spec: ColumnSpec, signal: AbortSignal | undefined): Promise<{ sheet: SheetEntry; note: string | null }> {
  if (input.sheet) return { sheet: chooseSheet(workbook.sheets, input.sheet, input.path), note: null };
  // One sheet: reading it gives the precise errors (empty sheet, which columns are missing).
  if (workbook.sheets.length === 1) return { sheet: workbook.sheets[0] as SheetEntry, note: null };
  const choice = await findDataSheet(workbook, (columns) => mapHeader(columns, spec).missing.length === 0, signal);
  if (!choice.chosen) throw noDataSheet(input.path, spec.required, choice, workbook.sheets.length);
  return { sheet: choice.chosen.sheet, note: describeChoice(input.path, choice, spec.required.join(', ')) };
}

function fileReport(kind: FileKind, file: string, read: SheetRead, outcome: { kept: number; rejected: number; fixed: number }): FileReport {
  const header = read.table.finish();
  const counts = { ...read.table.counts, ...outcome };
  const spec = kind === 'doctors' ? DOCTOR_COLUMNS : APPOINTMENT_COLUMNS;
  return {
    kind,
    path: file,
    name: path.basename(file),
    sheet: read.sheet,
    sheets: read.sheets,
    sizeBytes: read.sizeBytes,
    sha256: read.sha256,
    headerRow: read.table.headerRow,
    columns: {
      found: header.found,
      extra: header.extra,
      repeated: header.repeated,
      missingOptional: spec.optional.filter((column) => !header.index.has(column)),
    },
    counts: {
      read: counts.read,
      kept: counts.kept,
      rejected: counts.rejected,
      repeatedHeaders: counts.repeatedHeaders,
      blankRows: counts.blankRows,
      fixed: counts.fixed,
    },
    reconciled: reconciles(counts),
  };
}

function resolveRunDay(runDate: string | undefined): number {
  if (runDate === undefined) return todayDay();
  const day = dayFromIso(runDate);
  if (day === null) throw new UsageError('invalid_run_date', `run date "${runDate}" is not a date in the form YYYY-MM-DD.`, { setting: 'run_date' });
  return day;
}

