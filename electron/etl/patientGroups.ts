/**
 * Each appointment's patient as a dense group number (0, 1, 2, … in order of first sight), which
 * the COPY's first bookings (copyText.ts) and the dashboard's rollups (rollupRows.ts) both need.
 * The reading worker computes it once, in shared memory beside the other columns: the host's COPY
 * encoder and the worker's rollups each grouped the same million ids through their own hash table
 * before (~0.27 s of the host's CPU and ~0.19 s of the worker's at a million rows, CPU profile of
 * the CLI run).
 */
import type { AppointmentColumns } from './appointmentTable';
import { IdGroups } from './rules/idGroups';

export interface PatientGroups {
  /** Per row: its patient's group. */
  of: Int32Array;
  /** How many patients: every group is below this. */
  count: number;
  /**
   * Groups still being filled by the worker that handed the table over (pendingPatientGroups):
   * shared [filled flag, count]. Absent when `of` and `count` are complete.
   */
  filling?: Int32Array;
}

type IdColumns = Pick<AppointmentColumns, 'patientIds' | 'bigPatientIds' | 'patientGroups'>;

/**
 * How long a reader waits for groups being filled before it computes them itself. Filling takes
 * ~0.1 s at a million rows; the wait is only that long if the worker failed meanwhile (its error
 * fails the load anyway), and the groups computed here are the same.
 */
const FILL_WAIT_MS = 2000;

/**
 * The columns' patient groups: as the worker stored them, else computed here (tests, tables built
 * from rows). `waitMs` is for tests.
 */
export function patientGroupsOf(columns: IdColumns, waitMs = FILL_WAIT_MS): PatientGroups {
  const groups = columns.patientGroups;
  if (!groups) return groupPatients(columns, false);
  const filling = groups.filling;
  if (!filling) return groups;
  if (Atomics.load(filling, 0) !== 1) Atomics.wait(filling, 0, 0, waitMs);
  if (Atomics.load(filling, 0) === 1) return { of: groups.of, count: Atomics.load(filling, 1) };
  return groupPatients(columns, false);
}

/** The patient groups computed now; `shared` puts them in memory another thread can read. */
export function groupPatients(columns: Pick<AppointmentColumns, 'patientIds' | 'bigPatientIds'>, shared: boolean): PatientGroups {
  const n = columns.patientIds.length;
  const of = shared ? new Int32Array(new SharedArrayBuffer(n * 4)) : new Int32Array(n);
  return { of, count: groupInto(columns, of) };
}

/**
 * Groups in shared memory, to be filled (fillPatientGroups) after the table has been handed to
 * another thread: the CLI's host starts its load (its statements before the COPY take longer than
 * the grouping) instead of waiting ~0.1 s at a million rows for groups it reads only at the COPY,
 * and a reader that comes first waits for them (patientGroupsOf).
 */
export function pendingPatientGroups(rows: number): PatientGroups {
  return { of: new Int32Array(new SharedArrayBuffer(rows * 4)), count: 0, filling: new Int32Array(new SharedArrayBuffer(8)) };
}

/** Fills pendingPatientGroups' groups and lets their readers go on. */
export function fillPatientGroups(columns: Pick<AppointmentColumns, 'patientIds' | 'bigPatientIds'>, groups: PatientGroups): void {
  const filling = groups.filling as Int32Array;
  const count = groupInto(columns, groups.of);
  groups.count = count;
  Atomics.store(filling, 1, count);
  Atomics.store(filling, 0, 1);
  Atomics.notify(filling, 0);
}

function groupInto(columns: Pick<AppointmentColumns, 'patientIds' | 'bigPatientIds'>, of: Int32Array): number {
  const { patientIds, bigPatientIds } = columns;
  const n = patientIds.length;
  const groups = IdGroups.forIds(patientIds, n >> 1);
  for (let i = 0; i < n; i++) {
    const id = patientIds[i] as number;
    of[i] = id === id ? groups.of(id) : groups.ofText(bigPatientIds.get(i) as string);
  }
  return groups.size;
}
