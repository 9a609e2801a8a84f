/**
 * Drill-through: the filtered bookings themselves, a page at a time, each with the workbook and
 * Excel row it came from in the load shown; and the same rows as CSV for the analyst.
 */
import type pg from 'pg';
import type { DrillFilter, DrillPage, DrillRow } from '../../../shared/contract';
import { writeCsv, type CsvValue } from '../../etl/output/csv';
import { quoteIdent } from '../identifiers';
import { lastSucceededRun } from '../runSummaries';
import { filterSql } from './filter';
import { num, readOnly, timed, type DashboardDb } from './readOnly';
import { dayRows } from './aggregates';
import { rollupsCurrent } from './rollup';

const COLUMNS = `a.booking_id::text AS booking_id, a.patient_id::text AS patient_id, a.doctor_id, d.name AS doctor_name, d.specialty,
                 d.is_placeholder, a.booking_date::text AS booking_date, a.status, a.source_row`;

function toRow(row: Record<string, unknown>, sourceFile: string | null): DrillRow {
  return {
    bookingId: String(row.booking_id),
    patientId: String(row.patient_id),
    doctorId: num(row.doctor_id),
    doctorName: String(row.doctor_name),
    specialty: (row.specialty as string | null) ?? null,
    placeholder: row.is_placeholder === true,
    bookingDate: String(row.booking_date),
    status: row.status as DrillRow['status'],
    sourceFile,
    sourceRow: row.source_row === null || row.source_row === undefined ? null : num(row.source_row),
  };
}

export function drillPage(db: DashboardDb, schema: string, filter: DrillFilter, offset: number, limit: number): Promise<DrillPage> {
  const s = quoteIdent(schema);
  return timed(() =>
    readOnly(
      db,
      'listing the bookings',
      async (client) => {
        const run = await lastSucceededRun(client, schema);
        const { where, params } = filterSql(s, filter, [], undefined, await rollupsCurrent(client, schema));
        const count = await countBookings(client, schema, filter, where, params);
        // The page's keys come off the covering date index alone (skipping rows there is cheap);
        // only the rows shown are then read from the table.
        const keys = await withSettings(client, segmentPlan(filter), () =>
          client.query<{ booking_id: string }>(
            `SELECT a.booking_id::text AS booking_id FROM ${s}.appointments a ${where}
              ORDER BY a.booking_date, a.booking_id LIMIT ${Math.trunc(limit)} OFFSET ${Math.trunc(offset)}`,
            params,
          ),
        );
        const page = await client.query(
          `SELECT ${COLUMNS} FROM ${s}.appointments a JOIN ${s}.doctors d ON d.doctor_id = a.doctor_id
            WHERE a.booking_id = ANY($1::bigint[]) ORDER BY a.booking_date, a.booking_id`,
          [keys.rows.map((row) => row.booking_id)],
        );
        return { total: num(count.rows[0]?.total), offset, rows: page.rows.map((row) => toRow(row, run?.appointmentsFile ?? null)) };
      },
    ),
  );
}

/**
 * A segment's condition is a lookup per row the planner cannot estimate (it guesses a handful of
 * rows and sorts them all): the page is read along the date index instead, stopping at the page,
 * without parallel workers or JIT, whose start-up (~250 ms and ~200 ms measured) would exceed the
 * page's own time (~1–40 ms at a million rows).
 */
function segmentPlan(filter: DrillFilter): string[] {
  return filter.segment === 'new' || filter.segment === 'returning' ? ['enable_sort = off', 'max_parallel_workers_per_gather = 0', 'jit = off'] : [];
}

/**
 * `work` under these settings (`name = value`), then the settings back to the session's: the
 * page's rows are then fetched by key with a plan of the planner's own choosing.
 */
async function withSettings<T>(client: pg.ClientBase, settings: string[], work: () => Promise<T>): Promise<T> {
  for (const setting of settings) await client.query(`SET LOCAL ${setting}`);
  const result = await work();
  for (const setting of settings) await client.query(`SET LOCAL ${setting.split(' ')[0]} TO DEFAULT`);
  return result;
}

/**
 * How many bookings the drill lists: from the rollups when they answer the filter (a drill
 * without a visit bucket or a narrowed scope, over dates, statuses or a segment), else counted.
 */
async function countBookings(client: pg.ClientBase, schema: string, filter: DrillFilter, where: string, params: unknown[]): Promise<{ rows: { total: string | null }[] }> {
  const s = quoteIdent(schema);
  const days = !filter.visits && !filter.scope ? await dayRows(client, schema, filter) : null;
  if (days) return client.query<{ total: string | null }>(`SELECT sum(r.bookings) AS total FROM ${days.from}`, days.params);
  return client.query<{ total: string | null }>(`SELECT count(*) AS total FROM ${s}.appointments a ${where}`, params);
}

const HEADER = ['booking_id', 'patient_id', 'doctor_id', 'doctor_name', 'specialty', 'placeholder_doctor', 'booking_date', 'status', 'source_file', 'source_row'];
const BATCH = 20_000;

/** Every filtered booking to a CSV file, fetched in keyset-ordered batches so memory stays flat. */
export async function exportDrill(db: DashboardDb, schema: string, filter: DrillFilter, file: string): Promise<number> {
  const s = quoteIdent(schema);
  return readOnly(
    db,
    'exporting the bookings',
    async (client) => {
      const run = await lastSucceededRun(client, schema);
      const firstDays = await rollupsCurrent(client, schema);
      async function* rows(): AsyncGenerator<CsvValue[]> {
        let after: { date: string; id: string } | null = null;
        for (;;) {
          const { where, params } = filterSql(s, filter, [], undefined, firstDays);
          let keyset = '';
          if (after) {
            params.push(after.date, after.id);
            keyset = `${where ? `${where} AND` : 'WHERE'} (a.booking_date, a.booking_id) > ($${params.length - 1}::date, $${params.length}::bigint)`;
          }
          const { rows: batch } = await client.query(
            `SELECT ${COLUMNS} FROM ${s}.appointments a JOIN ${s}.doctors d ON d.doctor_id = a.doctor_id ${keyset || where}
              ORDER BY a.booking_date, a.booking_id LIMIT ${BATCH}`,
            params,
          );
          for (const raw of batch) {
            const r = toRow(raw, run?.appointmentsFile ?? null);
            yield [r.bookingId, r.patientId, r.doctorId, r.doctorName, r.specialty, r.placeholder, r.bookingDate, r.status, r.sourceFile, r.sourceRow];
          }
          if (batch.length < BATCH) return;
          const last = batch[batch.length - 1] as Record<string, unknown>;
          after = { date: String(last.booking_date), id: String(last.booking_id) };
        }
      }
      return writeCsv(file, HEADER, rows());
    },
    segmentPlan(filter),
  );
}
