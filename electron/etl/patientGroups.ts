/**
 * Each appointment's patient as a dense group number (0, 1, 2, … in order of first sight), which
 * the COPY's first bookings (copyText.ts) and the dashboard's rollups (rollupRows.ts) both need.
 * The reading worker computes it once, in shared memory beside the other columns, before it hands
 * the table over: the host's COPY encoder and the worker's rollups each grouped the same million
 * ids through their own hash table before (~0.27 s of the host's CPU and ~0.19 s of the worker's
 * at a million rows, CPU profile of the CLI run).
 */
import type { AppointmentColumns } from './appointmentTable';
import { IdGroups } from './rules/idGroups';

export interface PatientGroups {
  /** Per row: its patient's group. */
  of: Int32Array;
  /** How many patients: every group is below this. */
  count: number;
}

type IdColumns = Pick<AppointmentColumns, 'patientIds' | 'bigPatientIds' | 'patientGroups'>;

/** The columns' patient groups: as the worker stored them, else computed here (tests, tables built from rows). */
export function patientGroupsOf(columns: IdColumns): PatientGroups {
  return columns.patientGroups ?? groupPatients(columns, false);
}

/** The patient groups computed now; `shared` puts them in memory another thread can read. */
export function groupPatients(columns: Pick<AppointmentColumns, 'patientIds' | 'bigPatientIds'>, shared: boolean): PatientGroups {
  const { patientIds, bigPatientIds } = columns;
  const n = patientIds.length;
  const groups = new IdGroups(n >> 1);
  const of = shared ? new Int32Array(new SharedArrayBuffer(n * 4)) : new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const id = patientIds[i] as number;
    of[i] = id === id ? groups.of(id) : groups.ofText(bigPatientIds.get(i) as string);
  }
  return { of, count: groups.size };
}
