/**
 * Rollups: the appointments summed once, by the load, so the dashboard's common views read a few
 * thousand rows instead of a million. Their rows are computed from the same final appointments
 * the load copies (rollupRows.ts, in the reading worker), copied into tables created beside the
 * loaded ones (`…__next`, see staging.ts) and swapped in with them (swap.ts), so a rollup
 * always sums exactly the appointments beside it: readers see both of one run or both of the other.
 *
 * They used to be six CREATE TABLE … AS SELECT over the staged appointments: 5.8 s of a 20 s load
 * of a million rows (PostgreSQL 15, idle 2-core machine; 5.8–15 s on the same machine busy with
 * other work, load average 7–11). Computed in Node (0.8–0.9 s in the worker, before the load
 * starts) and copied (855k rows: 0.7–0.9 s), the load's index step fell from 9.5–10.3 s to
 * 5.3–5.4 s on PostgreSQL 15 (7.8–7.9 → 4.6–4.9 s on the embedded 18), and the whole CLI run at a
 * million rows from 16.4–17.6 s to 12.9–14.5 s, peak RSS unchanged (runs paired, load average ~2).
 * For the CLI, the worker now computes them after handing the tables over, while the load copies
 * and indexes the other tables, and the load copies them after those keys and indexes (load.ts):
 * the 0.8–1.2 s left the path from reading to loading. The app's preview still computes them with
 * its tables (the load comes later, from the preview). That SQL is the test oracle
 * (test/oracle/rollupsInSql.ts): a test builds the rollups both ways and compares every table.
 * Their indexes meet rows already sorted by their leading column (by month, by first day), which
 * PostgreSQL's sort only checks; patients_first_day too, by first day (rollupRows.ts): its rows
 * in the order patients were first seen were only nearly in that order, and nearly sorted input
 * is sorted in full.
 *
 * Measured at a million appointments (2,694 doctors, ~900 booking days, 333k patients, PostgreSQL
 * 15 and 18 on a shared 2-core machine): the whole-load key figures, leaderboard, trend,
 * specialties and segments took 150–700 ms each over the covering indexes; from these tables
 * they take a few milliseconds. A rollup per day × doctor × status would hold 830k rows for that
 * data (as many as the appointments), so the day and the doctor get a rollup each.
 *
 * "Returning" depends on which bookings the view keeps (a booking in the view after the patient's
 * first day ever). For views that keep bookings by status only, that is "a confirmed booking after
 * the first day" or "a cancelled one", kept here per patient as two flags; a view by dates or
 * doctors is decided over the rows themselves (dashboard/aggregates.ts chooses).
 *
 * Tables (each carries the run's mark like the loaded tables):
 * - appointments_by_day: bookings per day × status × placeholder doctor × the patient's flags.
 * - appointments_by_doctor: bookings per doctor × status × the patient's flags.
 * - appointments_by_doctor_month: bookings per month × doctor × status (172k rows at a million:
 *   the leaderboard and specialties of a date range read its whole months, and the days at either
 *   end from the appointments).
 * - patients_by_visits: patients per (confirmed, cancelled) booking count, each capped at 4
 *   (the visit buckets stop at "4+"), × the flags.
 * - patients_first_day: per patient, the first day, the bookings that day per status, and the
 *   first day after it with a confirmed booking and with a cancelled one (null when none).
 * - first_day_bookings: the bookings of each patient's first day per doctor × status, with the
 *   patient's next days (not the patient: the sums are all a view needs).
 * - patient_days_by_previous: patients per (day with a booking, their previous day with one),
 *   null for the first. A patient is in [from, to] exactly once with a row there whose previous
 *   day is before `from` (their first day in the range), so the distinct patients of a date
 *   range are a sum over the range's rows (dashboard/patientDays.ts). 311k rows at a million
 *   appointments; a year's distinct count read ~375k index entries and grouped them by patient.
 * - cancelled_patient_days_by_previous: the same over the cancelled bookings alone (a patient's
 *   days with one, each with the previous such day): the patients of a date range of cancelled
 *   bookings. 88k rows at a million appointments, no index (read whole: ~5 ms of server CPU).
 * - booking_lags: each booking with the day of the patient's booking 2, 3 and 4 back, of any
 *   status and over the cancelled ones alone, counted per (day, cancelled, that day), a column per
 *   lag: with the patient-day rollups, a date range's visit buckets and repeated cancellations as
 *   sums (dashboard/bookingLags.ts). 357k rows at a million appointments (494k as a row per lag:
 *   ~100 ms more of COPY and ~35 ms of index on the server), the bookings of any status in day
 *   order then the cancelled ones, with a block range index on the day.
 * - booking_day_clusters: booking days less than CLUSTER_GAP_DAYS apart, each run's first and
 *   last day and bookings: the dense span the dashboard opens on (dashboard/timeAxis.ts), from 84
 *   rows at a million appointments instead of the 19.8k days' sums (~50–60 ms of each context).
 *
 * The last two answer a segment over a date range (dashboard/firstDays.ts). Within [from, to]
 * and the view's statuses, a patient came back unless every booking the view keeps is on their
 * first day: that is, the first day is in the range and the next day with one of those statuses
 * is after `to` (or there is none). So "new" in a range is a slice of first_day_bookings, and
 * "returning" is the range's figures less that slice — exactly, because every patient of the
 * view is one or the other. Measured at a million appointments on PostgreSQL 15: a segment over
 * a year took 0.4–1.3 s from the appointments, and reads ~110k first-day rows here.
 */
import { AppointmentTable } from '../etl/appointmentTable';
import { InternalError } from '../etl/errors';
import type { FinalAppointment, FinalDoctor } from '../etl/types';
import { quoteIdent } from './identifiers';
import type { EncodedTable } from './load';
import { rollupCopy, type RollupCopy } from './rollupRows';
import { BUILT_ONCE_INDEX, DEFAULT_STATISTICS_ROLLUPS, LOAD_STATISTICS_TARGET, ROLLUP_COLUMNS, ROLLUP_INDEXES, ROLLUP_TABLES } from './schema';
import { newTableStatements, nextName } from './staging';

type Client = { query(statement: string): Promise<unknown> };

/** The empty rollup tables, beside the live ones, with the run's mark, in the transaction that fills them (so COPY may FREEZE). */
export async function createRollupTables(client: Client, schema: string, runId: number): Promise<void> {
  // One round trip for all of them: they are on the path from the rollups being ready to the swap.
  await client.query(ROLLUP_TABLES.flatMap((table) => newTableStatements(schema, runId, table, ROLLUP_COLUMNS[table])).join(';\n'));
}

/**
 * The statements that complete the filled rollup tables, in order: their indexes, then their
 * statistics (two statements, either session may take one: the larger rollups at the load's lower
 * target, the two whose plans need the default at it).
 */
export function rollupStatements(schema: string): string[] {
  const next = (table: string) => `${quoteIdent(schema)}.${quoteIdent(nextName(table))}`;
  const lower = ROLLUP_TABLES.filter((table) => !DEFAULT_STATISTICS_ROLLUPS.includes(table));
  return [
    ...ROLLUP_TABLES.flatMap((table) => (ROLLUP_INDEXES[table] ?? []).map((index) => `CREATE INDEX ${quoteIdent(nextName(index.name))} ON ${next(table)} ${[index.on, index.options ?? BUILT_ONCE_INDEX].filter(Boolean).join(' ')}`)),
    `SET LOCAL default_statistics_target = ${LOAD_STATISTICS_TARGET}; ANALYZE ${lower.map(next).join(', ')}`,
    `ANALYZE ${DEFAULT_STATISTICS_ROLLUPS.map(next).join(', ')}`,
  ];
}

/**
 * The rollups of a load's rows: as the reading worker handed them over, or computed here from the
 * rows (callers that give rows rather than the worker's result: tests, small tables).
 * `afterRows`: see rollupCopy.
 */
export function rollupsOf(input: {
  doctors: readonly FinalDoctor[] | EncodedTable;
  appointments: readonly FinalAppointment[] | EncodedTable;
  rollups?: RollupCopy | undefined;
}, afterRows?: () => void): RollupCopy {
  if (input.rollups) return input.rollups;
  const { doctors, appointments } = input;
  const table = appointments instanceof AppointmentTable ? appointments : Array.isArray(appointments) ? AppointmentTable.fromRows(appointments) : undefined;
  if (!table || !Array.isArray(doctors)) {
    throw new InternalError('rollups_missing', 'The dashboard\'s sums of the appointments were not handed to the load with the encoded rows; nothing was loaded.');
  }
  const placeholders = new Set((doctors as readonly FinalDoctor[]).filter((d) => d.placeholder).map((d) => d.doctorId));
  return rollupCopy(table.columns, (doctorId) => placeholders.has(doctorId), undefined, afterRows);
}
