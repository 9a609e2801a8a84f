/**
 * The doctors file, rules 3, 6 and 7: a doctor needs a valid doctor_id and a name; specialty may
 * be empty (NULL). Names and specialties are trimmed and otherwise kept exactly as typed. A doctor
 * id seen twice keeps its first row.
 */
import { cellText, isUncalculated } from '../extract/cellValue';
import type { FixLog } from '../fixLog';
import type { ColumnSpec } from '../rules/columnNames';
import { findWinners } from '../rules/dedupe';
import { INTEGER_MAX, parseInteger } from '../rules/parseInteger';
import type { FinalDoctor, RawCell, RejectedRow } from '../types';
import { integerProblem, missing, notCalculated, type Problem } from './problems';

export const DOCTOR_COLUMNS: ColumnSpec = {
  required: ['doctor_id', 'name'],
  // Rule 6 lets specialty be empty; a file without the column is read as all-empty, with a warning.
  optional: ['specialty'],
};

export interface DoctorsOutcome {
  kept: FinalDoctor[];
  rejected: RejectedRow[];
  duplicates: number;
}

interface ParsedDoctor {
  doctor: FinalDoctor;
  texts: [string, string, string];
  idTyped: RawCell;
}

export class DoctorRows {
  readonly valid: ParsedDoctor[] = [];
  readonly rejected: RejectedRow[] = [];

  add(row: number, cells: RawCell[]): void {
    const texts: [string, string, string] = [cellText(cells[0] ?? null), cellText(cells[1] ?? null), cellText(cells[2] ?? null)];
    const id = parseInteger(cells[0] ?? null, INTEGER_MAX);
    const name = texts[1].trim();
    // Rule 10: every problem in column order, the first being the reason.
    const problems: Problem[] = [
      ...(!id.ok ? [integerProblem('doctor_id', texts[0], id, INTEGER_MAX)] : []),
      ...(isUncalculated(cells[1]) ? [notCalculated('name', texts[1])] : name === '' ? [missing('name')] : []),
      ...(isUncalculated(cells[2]) ? [notCalculated('specialty', texts[2])] : []),
    ];
    if (problems.length > 0 || !id.ok) {
      this.rejected.push(rejectDoctor(row, texts, problems));
      return;
    }
    const specialty = texts[2].trim();
    this.valid.push({
      doctor: { doctorId: id.value as number, name, specialty: specialty === '' ? null : specialty, placeholder: false, sourceRow: row },
      texts,
      idTyped: cells[0] ?? null,
    });
  }
}

export function finishDoctors(rows: DoctorRows, fixes: FixLog): DoctorsOutcome {
  const rejected = [...rows.rejected];
  const kept: FinalDoctor[] = [];
  let duplicates = 0;
  const winners = findWinners(rows.valid, (item) => item.doctor.doctorId, () => false);
  rows.valid.forEach((item, i) => {
    const winner = rows.valid[winners[i] as number] as ParsedDoctor;
    if (winner === item) {
      kept.push(item.doctor);
      recordFixes(item, fixes);
      return;
    }
    duplicates += 1;
    const keptRow = winner.doctor.sourceRow as number;
    rejected.push({
      ...rejectDoctor(item.doctor.sourceRow as number, item.texts, [{ reason: 'duplicate', message: `duplicate doctor_id ${item.doctor.doctorId}: row ${keptRow} was kept (first in the file)` }]),
      keptRow,
    });
  });
  rejected.sort((a, b) => a.row - b.row);
  return { kept, rejected, duplicates };
}

function recordFixes(item: ParsedDoctor, fixes: FixLog): void {
  const { doctor, texts, idTyped } = item;
  const row = doctor.sourceRow as number;
  const idAfter = String(doctor.doctorId);
  if (typeof idTyped !== 'number' && texts[0] !== idAfter) fixes.add('doctors', row, 'doctor_id', texts[0], idAfter, 'integer_text');
  if (texts[1] !== doctor.name) fixes.add('doctors', row, 'name', texts[1], doctor.name, 'text_trimmed');
  const specialtyAfter = doctor.specialty ?? '';
  if (texts[2] !== specialtyAfter) {
    fixes.add('doctors', row, 'specialty', texts[2], specialtyAfter, doctor.specialty === null ? 'specialty_empty' : 'text_trimmed');
  }
}

function rejectDoctor(row: number, texts: [string, string, string], problems: Problem[]): RejectedRow {
  const first = problems[0] as Problem;
  return {
    file: 'doctors',
    row,
    reason: first.reason,
    ...(first.column ? { column: first.column } : {}),
    message: first.message,
    problems: problems.map((p) => ({ reason: p.reason, ...(p.column ? { column: p.column } : {}), message: p.message })),
    raw: { doctor_id: texts[0], name: texts[1], specialty: texts[2] },
  };
}
