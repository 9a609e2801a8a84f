/**
 * The dashboard's queries, timed as the app runs them: the functions the handler table calls for
 * each `dashboard/*` channel, on a pool of the app's size, over a loaded schema. Each query runs
 * under a set of filters the dashboard offers (everything, a status, a month, a doctor, a
 * specialty, a segment, and combinations), `repeats` times; the report gives the median, min and
 * max per query and filter. Wall time of the whole call, as the renderer waits for it; with a
 * reading of the server's CPU (the embedded server's process tree), the server CPU each call took
 * too. On a shared 2-core machine the wall time of a query split over two connections (the
 * patient slices) depends on whether both cores are free: a year's segments at a million
 * appointments took 80–97 ms on two cores and 131–140 ms on one, at the same 123–132 ms of server
 * CPU (each backend waiting ~15 against ~130 ms to run). Between runs the other work on the
 * machine changes, not the query: the CPU tells a slower query from a busier machine.
 */
import type { DashboardFilter } from '../../shared/contract';
import { kpis, leaderboard, segments, specialties, trend } from '../../electron/db/dashboard/aggregates';
import { dashboardContext } from '../../electron/db/dashboard/context';
import { drillPage } from '../../electron/db/dashboard/drill';
import { answeredQuestions } from '../../electron/db/dashboard/questions';
import type { DashboardDb } from '../../electron/db/dashboard/readOnly';
import { quoteIdent } from '../../electron/db/identifiers';

export interface DashboardTiming {
  query: string;
  filter: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Median server CPU of a call, when the server's CPU can be read. */
  serverCpuMs?: number;
}

export interface DashboardScenario {
  name: string;
  filter: DashboardFilter;
}

/** Filters drawn from the data itself: the busiest doctor and specialty, a month and a year inside the span. */
export async function dashboardScenarios(db: DashboardDb, schema: string): Promise<DashboardScenario[]> {
  const s = quoteIdent(schema);
  const { rows } = await db.pool.query<{ doctor_id: number; specialty: string | null; month: string; year_from: string; year_to: string }>(
    `SELECT (SELECT doctor_id FROM ${s}.appointments GROUP BY doctor_id ORDER BY count(*) DESC, doctor_id LIMIT 1) AS doctor_id,
            (SELECT coalesce(d.specialty, '') FROM ${s}.appointments a JOIN ${s}.doctors d USING (doctor_id) GROUP BY 1 ORDER BY count(*) DESC LIMIT 1) AS specialty,
            (SELECT date_trunc('month', percentile_disc(0.5) WITHIN GROUP (ORDER BY booking_date))::date::text FROM ${s}.appointments) AS month,
            (SELECT percentile_disc(0.25) WITHIN GROUP (ORDER BY booking_date)::text FROM ${s}.appointments) AS year_from,
            (SELECT (percentile_disc(0.25) WITHIN GROUP (ORDER BY booking_date) + 364)::text FROM ${s}.appointments) AS year_to`,
  );
  const facts = rows[0];
  if (!facts?.month) return [{ name: 'everything', filter: {} }];
  // The dates' "Main span" preset: where most bookings are, a range nearly as long as the data.
  const main = (await dashboardContext(db, schema)).denseSpan;
  const monthEnd = new Date(Date.UTC(Number(facts.month.slice(0, 4)), Number(facts.month.slice(5, 7)), 0)).toISOString().slice(0, 10);
  const month = { from: facts.month, to: monthEnd };
  const specialty = facts.specialty ?? '';
  return [
    { name: 'everything', filter: {} },
    { name: 'cancelled', filter: { statuses: ['cancelled'] } },
    { name: 'confirmed', filter: { statuses: ['confirmed'] } },
    { name: 'a month', filter: month },
    { name: 'a year', filter: { from: facts.year_from, to: facts.year_to } },
    { name: 'a doctor', filter: { doctorIds: [facts.doctor_id] } },
    { name: 'a specialty', filter: { specialties: [specialty] } },
    { name: 'returning', filter: { segment: 'returning' } },
    { name: 'new', filter: { segment: 'new' } },
    { name: 'year+cancelled', filter: { from: facts.year_from, to: facts.year_to, statuses: ['cancelled'] } },
    { name: 'month+specialty+confirmed', filter: { ...month, specialties: [specialty], statuses: ['confirmed'] } },
    { name: 'year+returning', filter: { from: facts.year_from, to: facts.year_to, segment: 'returning' } },
    ...(main
      ? [
          { name: 'main span', filter: { from: main.from, to: main.to } },
          { name: 'main span+new', filter: { from: main.from, to: main.to, segment: 'new' as const } },
          { name: 'main span+returning', filter: { from: main.from, to: main.to, segment: 'returning' as const } },
        ]
      : []),
  ];
}

type Query = { name: string; run: (filter: DashboardFilter) => Promise<unknown>; filtered: boolean };

function queries(db: DashboardDb, schema: string): Query[] {
  return [
    { name: 'context', run: () => dashboardContext(db, schema), filtered: false },
    { name: 'answers', run: () => answeredQuestions(db, schema), filtered: false },
    { name: 'kpis', run: (filter) => kpis(db, schema, filter), filtered: true },
    { name: 'leaderboard', run: (filter) => leaderboard(db, schema, filter, 10), filtered: true },
    { name: 'trend', run: (filter) => trend(db, schema, filter, 'auto'), filtered: true },
    { name: 'specialties', run: (filter) => specialties(db, schema, filter), filtered: true },
    { name: 'segments', run: (filter) => segments(db, schema, filter), filtered: true },
    { name: 'drill', run: (filter) => drillPage(db, schema, filter, 0, 100), filtered: true },
  ];
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/** Each query under each scenario, `repeats` times after one untimed warm-up (the planner's caches, the pages in memory). */
export async function timeDashboard(
  db: DashboardDb,
  schema: string,
  options: { repeats: number; only?: readonly string[]; serverCpu?: () => number | undefined },
): Promise<DashboardTiming[]> {
  const scenarios = await dashboardScenarios(db, schema);
  const timings: DashboardTiming[] = [];
  for (const query of queries(db, schema)) {
    if (options.only && !options.only.includes(query.name)) continue;
    for (const scenario of query.filtered ? scenarios : [{ name: '-', filter: {} }]) {
      await query.run(scenario.filter);
      const samples: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < options.repeats; i++) {
        const cpuBefore = options.serverCpu?.();
        const started = performance.now();
        await query.run(scenario.filter);
        samples.push(performance.now() - started);
        const cpuAfter = options.serverCpu?.();
        if (cpuBefore !== undefined && cpuAfter !== undefined) cpu.push(cpuAfter - cpuBefore);
      }
      timings.push({
        query: query.name,
        filter: scenario.name,
        medianMs: median(samples),
        minMs: Math.min(...samples),
        maxMs: Math.max(...samples),
        ...(cpu.length === samples.length ? { serverCpuMs: median(cpu) } : {}),
      });
    }
  }
  return timings;
}

/** One line per query and filter, slowest medians flagged against the 100 ms goal. */
export function renderDashboardTimings(timings: readonly DashboardTiming[], goalMs = 100): string {
  const lines = timings.map(
    (t) =>
      `  ${t.query.padEnd(12)} ${t.filter.padEnd(26)} median ${t.medianMs.toFixed(1).padStart(7)} ms  (min ${t.minMs.toFixed(1)}, max ${t.maxMs.toFixed(1)})${t.serverCpuMs !== undefined ? `  server CPU ${t.serverCpuMs.toFixed(1)} ms` : ''}${t.medianMs > goalMs ? '  > goal' : ''}`,
  );
  const over = timings.filter((t) => t.medianMs > goalMs).length;
  return [`Dashboard queries (median of the repeats; goal ≤ ${goalMs} ms): ${timings.length - over} of ${timings.length} within`, ...lines].join('\n');
}
