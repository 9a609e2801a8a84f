/**
 * What a load would change, computed before it happens: the incoming rows are copied into
 * temporary tables inside a transaction that is always rolled back, and compared with what is
 * loaded now. Nothing is written.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { LoadPlan } from '../../shared/contract';
import type { Database } from '../db/connection';
import { APPOINTMENT_COPY_COLUMNS, DOCTOR_COPY_COLUMNS } from '../db/copyText';
import { quoteIdent, validateSchemaName } from '../db/identifiers';
import { withClient } from '../db/withClient';
import type { PreparedInWorker } from '../etl/worker/runInWorker';
import { lastSucceededRun, tableExists } from '../db/runSummaries';

export async function planLoad(database: Database, schema: string, previewId: string, prepared: PreparedInWorker, signal?: AbortSignal): Promise<LoadPlan> {
  validateSchemaName(schema);
  const s = quoteIdent(schema);
  return withClient(database, 'comparing with the loaded data', async (client) => {
  try {
    await client.query('BEGIN');
    await client.query("SET LOCAL statement_timeout = '10min'");
    await client.query(`CREATE TEMP TABLE incoming_doctors (doctor_id INTEGER, name TEXT, specialty TEXT, is_placeholder BOOLEAN, source_row INTEGER) ON COMMIT DROP`);
    await client.query(
      `CREATE TEMP TABLE incoming_appointments (booking_id BIGINT, patient_id BIGINT, doctor_id INTEGER, booking_date DATE, status TEXT, source_row INTEGER, patient_first_booking DATE) ON COMMIT DROP`,
    );
    for (const [table, columns, data] of [
      ['incoming_doctors', DOCTOR_COPY_COLUMNS, prepared.doctors],
      ['incoming_appointments', APPOINTMENT_COPY_COLUMNS, prepared.appointments],
    ] as const) {
      const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
      await pipeline(
        Readable.from(
          (function* () {
            for (const chunk of data.chunks) {
              if (signal?.aborted) throw new Error('cancelled');
              yield chunk;
            }
          })(),
        ),
        stream,
      );
    }
    await client.query('CREATE INDEX ON incoming_appointments (booking_id)');
    await client.query('CREATE INDEX ON incoming_doctors (doctor_id)');
    await client.query('ANALYZE incoming_appointments');

    const loaded = (await tableExists(client, schema, 'appointments')) && (await tableExists(client, schema, 'doctors'));
    const current = { doctors: 0, appointments: 0 };
    const changes: LoadPlan['changes'] = {
      bookingsAdded: prepared.appointments.rows,
      bookingsRemoved: 0,
      bookingsStatusChanged: 0,
      bookingsOtherwiseChanged: 0,
      doctorsAdded: prepared.doctors.rows,
      doctorsRemoved: 0,
      doctorsRenamed: 0,
    };
    if (loaded) {
      const { rows } = await client.query<Record<string, string>>(`
        SELECT
          (SELECT count(*) FROM ${s}.doctors) AS doctors,
          (SELECT count(*) FROM ${s}.appointments) AS appointments,
          (SELECT count(*) FROM incoming_appointments i WHERE NOT EXISTS (SELECT 1 FROM ${s}.appointments a WHERE a.booking_id = i.booking_id)) AS bookings_added,
          (SELECT count(*) FROM ${s}.appointments a WHERE NOT EXISTS (SELECT 1 FROM incoming_appointments i WHERE i.booking_id = a.booking_id)) AS bookings_removed,
          (SELECT count(*) FROM incoming_appointments i JOIN ${s}.appointments a USING (booking_id) WHERE a.status <> i.status) AS status_changed,
          (SELECT count(*) FROM incoming_appointments i JOIN ${s}.appointments a USING (booking_id)
             WHERE a.status = i.status AND (a.patient_id, a.doctor_id, a.booking_date) IS DISTINCT FROM (i.patient_id, i.doctor_id, i.booking_date)) AS otherwise_changed,
          (SELECT count(*) FROM incoming_doctors i WHERE NOT EXISTS (SELECT 1 FROM ${s}.doctors d WHERE d.doctor_id = i.doctor_id)) AS doctors_added,
          (SELECT count(*) FROM ${s}.doctors d WHERE NOT EXISTS (SELECT 1 FROM incoming_doctors i WHERE i.doctor_id = d.doctor_id)) AS doctors_removed,
          (SELECT count(*) FROM incoming_doctors i JOIN ${s}.doctors d USING (doctor_id) WHERE d.name <> i.name) AS doctors_renamed`);
      const r = rows[0] ?? {};
      current.doctors = Number(r.doctors);
      current.appointments = Number(r.appointments);
      Object.assign(changes, {
        bookingsAdded: Number(r.bookings_added),
        bookingsRemoved: Number(r.bookings_removed),
        bookingsStatusChanged: Number(r.status_changed),
        bookingsOtherwiseChanged: Number(r.otherwise_changed),
        doctorsAdded: Number(r.doctors_added),
        doctorsRemoved: Number(r.doctors_removed),
        doctorsRenamed: Number(r.doctors_renamed),
      });
    }
    const lastRun = await lastSucceededRun(client, schema);
    return {
      previewId,
      target: { display: database.display, schema },
      current: { ...current, lastRun },
      incoming: { doctors: prepared.doctors.rows, appointments: prepared.appointments.rows, rejected: prepared.report.counts.rejected },
      changes,
    };
  } finally {
    // Always rolled back: the plan never writes.
    await client.query('ROLLBACK').catch(() => undefined);
  }
  });
}
