/**
 * One truth on the screen (SPEC §7): on several shapes of data, the dashboard's default view counts
 * exactly what the database holds, the rows the business questions count. The default leaderboard
 * is question 4 row for row and its top is question 1; the default key figures are the whole
 * tables; the trend's axis fits where the bookings are and counts the outliers beside it.
 *
 * Shapes: the bundled samples; a real export's shape (five days of bookings, three doctors, one
 * placeholder, a date dragged down to 2355), loaded with suspicious dates kept and quarantined;
 * the generator's uniform year-long set; and a hand-made pair with a tie at the top, a doctor
 * without bookings and a placeholder with cancellations only.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerBusinessQuestions } from '../../electron/db/businessQuestions';
import { createPool, serverLabel } from '../../electron/db/connection';
import { kpis, leaderboard, trend } from '../../electron/db/dashboard/aggregates';
import { dashboardContext } from '../../electron/db/dashboard/context';
import { loadRun } from '../../electron/db/load';
import { prepareRun } from '../../electron/etl/prepareRun';
import type { SuspiciousPolicy } from '../../electron/etl/types';
import { generateWorkbooks } from '../../scripts/generator/generateWorkbooks';
import { REAL_SHAPE_OPTIONS } from '../../scripts/generator/realShape';
import { createTestDatabase, testServers, type TestDatabase } from '../support/database';
import { SAMPLES } from './harness';

interface Shape {
  name: string;
  files: (dir: string) => Promise<{ doctors: string; appointments: string }>;
  policy?: SuspiciousPolicy;
  /** What the trend must show by default on this shape. */
  trend?: { granularity: 'day' | 'week' | 'month'; after?: number };
}

async function writeSheet(file: string, rows: (string | number)[][]): Promise<string> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Sheet1');
  for (const row of rows) sheet.addRow(row);
  await book.xlsx.writeFile(file);
  return file;
}

/** 201 and 202 tie at the top; 203 has no bookings; 999 (placeholder) has cancellations only. */
async function handMadePair(dir: string) {
  const doctors = await writeSheet(path.join(dir, 'doctors.xlsx'), [
    ['doctor_id', 'name', 'specialty'],
    [201, 'Dr. Ana Lima', 'Cardiology'],
    [202, 'Dr. Bo Chen', 'Neurology'],
    [203, 'Dr. Cy Odu', 'Oncology'],
    [204, 'Dr. Di Roy', ''],
  ]);
  const bookings: (string | number)[][] = [['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status']];
  const add = (doctor: number, status: string, n: number) => {
    for (let i = 0; i < n; i++) bookings.push([5000 + bookings.length, 30 + (bookings.length % 7), doctor, `2025-10-${String(20 + (bookings.length % 5)).padStart(2, '0')}`, status]);
  };
  add(201, 'confirmed', 4);
  add(202, 'confirmed', 4);
  add(201, 'cancelled', 2);
  add(204, 'confirmed', 1);
  add(204, 'cancelled', 3);
  add(999, 'cancelled', 2);
  const appointments = await writeSheet(path.join(dir, 'appointments.xlsx'), bookings);
  return { doctors, appointments };
}

const generated = (options: Parameters<typeof generateWorkbooks>[0] extends infer O ? Omit<O, 'outDir'> : never) => async (dir: string) => {
  const files = await generateWorkbooks({ ...options, outDir: dir });
  return { doctors: files.doctorsPath, appointments: files.appointmentsPath };
};

const SHAPES: Shape[] = [
  { name: 'the bundled samples', files: async () => ({ ...SAMPLES }) },
  { name: 'a real export: five days, three doctors, a date dragged to 2355', files: generated(REAL_SHAPE_OPTIONS), trend: { granularity: 'day', after: 330 } },
  // Quarantined, the series keeps 10/24/2026 (within a year of the run date): one booking a year
  // after the rest, still a marker and not a year-long axis.
  { name: 'the same, suspicious dates quarantined', files: generated(REAL_SHAPE_OPTIONS), policy: 'quarantine', trend: { granularity: 'day', after: 1 } },
  { name: 'a uniform year of generated bookings', files: generated({ seed: 77, appointments: 4000, doctors: 20, dateRange: { from: '2025-01-01', to: '2025-12-31' } }), trend: { granularity: 'week' } },
  { name: 'a tie at the top, a doctor without bookings, a placeholder with cancellations only', files: handMadePair, trend: { granularity: 'day', after: 0 } },
];

describe.each(testServers())('one truth on $name PostgreSQL', (server) => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'one-truth-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe.each(SHAPES)('$name', (shape) => {
    let database: TestDatabase;
    let pool: pg.Pool;
    const db = () => ({ pool, label: serverLabel(database.url) });

    beforeAll(async () => {
      const folder = await mkdtemp(path.join(dir, 'shape-'));
      const files = await shape.files(folder);
      database = await createTestDatabase(server.url);
      pool = createPool(database.url);
      const prepared = await prepareRun({
        doctors: { path: files.doctors },
        appointments: { path: files.appointments },
        runDate: '2025-10-31',
        ...(shape.policy ? { suspiciousPolicy: shape.policy } : {}),
      });
      await loadRun(db(), prepared, { schema: 'healthtech', source: 'cli' });
    });
    afterAll(async () => {
      await pool?.end();
      await database?.drop();
    });

    it('the default leaderboard is question 4, its top is question 1, the key figures are the whole tables', async () => {
      const answers = await answerBusinessQuestions(pool, 'healthtech');
      const board = await leaderboard(db(), 'healthtech', {}, 500);
      expect(board.rankedBy).toBe('confirmed');
      expect(board.rows.map((r) => ({ doctor_id: r.doctorId, name: r.name, confirmed: r.confirmed }))).toEqual(answers.q4);
      const top = board.rows[0]?.confirmed;
      expect(board.rows.filter((r) => r.confirmed === top).map((r) => ({ doctor_id: r.doctorId, name: r.name, confirmed: r.confirmed }))).toEqual(answers.q1);
      expect(board.rows.every((r) => r.allData === null), 'nothing is left out by default').toBe(true);

      const figures = await kpis(db(), 'healthtech', {});
      const { rows } = await pool.query<{ n: string; confirmed: string; doctors: string }>(
        `SELECT count(*) AS n, count(*) FILTER (WHERE status = 'confirmed') AS confirmed, count(DISTINCT doctor_id) AS doctors FROM healthtech.appointments`,
      );
      expect(figures.appointments).toBe(Number(rows[0]?.n));
      expect(figures.confirmed).toBe(Number(rows[0]?.confirmed));
      expect(figures.confirmed).toBe(answers.q4.reduce((sum, d) => sum + d.confirmed, 0));
      expect(figures.doctors).toBe(Number(rows[0]?.doctors));
    });

    it('cancelled ranks by cancellations', async () => {
      const board = await leaderboard(db(), 'healthtech', { statuses: ['cancelled'] }, 500);
      expect(board.rankedBy).toBe('cancelled');
      const { rows } = await pool.query<{ doctor_id: number; cancelled: string }>(
        `SELECT d.doctor_id, count(a.booking_id) AS cancelled FROM healthtech.doctors d
           LEFT JOIN healthtech.appointments a ON a.doctor_id = d.doctor_id AND a.status = 'cancelled'
          GROUP BY d.doctor_id ORDER BY 2 DESC, 1`,
      );
      expect(board.rows.map((r) => [r.doctorId, r.cancelled])).toEqual(rows.map((r) => [r.doctor_id, Number(r.cancelled)]));
      expect(board.rows.some((r) => r.cancelled > 0)).toBe(true);
    });

    it('the trend fits where the bookings are and counts the outliers beside it', async () => {
      const figures = await kpis(db(), 'healthtech', {});
      const auto = await trend(db(), 'healthtech', {}, 'auto');
      const axis = auto.axis;
      expect(axis).not.toBeNull();
      const drawn = auto.points.reduce((sum, p) => sum + p.confirmed + p.cancelled, 0);
      expect((axis?.before ?? 0) + drawn + (axis?.after ?? 0)).toBe(figures.appointments);
      if (shape.trend) {
        expect(auto.granularity).toBe(shape.trend.granularity);
        if (shape.trend.after !== undefined) expect(axis?.after).toBe(shape.trend.after);
      }
      const context = await dashboardContext(db(), 'healthtech');
      expect(context.denseSpan).toEqual(axis);
    });
  });
});
