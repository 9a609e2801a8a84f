/**
 * Dashboard: the data of the last successful load, from SQL in the main process. Key figures,
 * the doctor leaderboard, appointments over time, specialties, patient segments and the
 * business questions, all under one set of filters (remembered per schema between launches).
 * Every chart drills through to its bookings and their source rows, states its caveats, and
 * exports its data (CSV) and picture (PNG).
 */
import { useCallback, useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { DashboardContext, DashboardFilter, DatabaseStatus, LeaderboardRow } from '../../../shared/contract';
import { DatabaseIcon, RefreshIcon, SpinnerIcon } from '../components/Icons';
import { baseName, formatCount, formatTimestamp } from '../format';
import { AnswersPanel } from './AnswersPanel';
import { caveatNotes } from './caveats';
import { Caveats } from './ChartCard';
import { addDays, bucketEnd, formatDay, formatRange, periodLabel, type Period } from './dates';
import { narrow, VISITS_WORDS, type DrillRequest } from './drill';
import { DrillDialog } from './DrillDialog';
import { rangeSlug } from './exportFiles';
import { FiltersBar } from './FiltersBar';
import { DEFAULT_FILTERS, filterBeforeContext, isWholeLoad, rangeProblem, remember, restore, toDashboardFilter, type FilterState, type ViewState } from './filters';
import { KpiCards, type KpiDrill } from './KpiCards';
import { LeaderboardCard } from './LeaderboardCard';
import { specialtyColors } from './palette';
import { SegmentsCard, type SegmentDrill } from './SegmentsCard';
import { SpecialtyCard } from './SpecialtyCard';
import { TrendCard } from './TrendCard';
import { prefetch, useDashboardQuery } from './useDashboardQuery';
import { useTypedDates } from './useTypedDates';
import './dashboard.css';

interface Props {
  status: DatabaseStatus | null;
  /** Bumped whenever the loaded run changes (a load from here or anywhere committed), so the figures are read again. */
  version: number;
  onImport: () => void;
  onSettings: () => void;
}

export function DashboardScreen({ status, version, onImport, onSettings }: Props) {
  const ready = status?.state === 'ready';
  const schema = status?.state === 'ready' ? status.schema : null;
  const [refreshes, setRefreshes] = useState(0);
  const dataVersion = version * 1000 + refreshes;
  const context = useDashboardQuery('dashboard/context', ready ? {} : null, dataVersion, true);
  const ctx = context.data;
  // The key figures of the remembered filter are asked for beside the context, when that filter
  // does not depend on it: the first figures then come with the context, not one query after it.
  useEffect(() => {
    const filter = ready && schema ? filterBeforeContext(schema) : null;
    if (filter) prefetch('dashboard/kpis', { filter }, dataVersion);
  }, [ready, schema, dataVersion]);

  return (
    <section className="screen dash-screen" aria-labelledby="dashboard-title">
      <div className="screen-head">
        <div>
          <h1 id="dashboard-title" tabIndex={-1}>
            Dashboard
          </h1>
          <p className="lead">{ctx?.loaded && ctx.run ? <RunLine context={ctx} /> : 'Doctor productivity and appointment trends from the last successful load.'}</p>
        </div>
        <button type="button" className="btn" onClick={() => setRefreshes((n) => n + 1)} disabled={!ready || context.loading}>
          {context.loading ? <SpinnerIcon /> : <RefreshIcon />}
          Refresh
        </button>
      </div>

      {!ready ? <NotReady status={status} onSettings={onSettings} /> : null}

      {ready && context.error ? (
        <div className="notice notice-error" role="alert">
          <div>
            <span className="notice-title">The dashboard could not read the database.</span>
            <span>{context.error.message}</span>
            <span>Try again; if it keeps failing, check the connection in Settings.</span>
          </div>
          <div className="button-row dash-notice-action">
            <button type="button" className="btn btn-small" onClick={context.retry}>
              <RefreshIcon /> Try again
            </button>
            <button type="button" className="btn btn-quiet btn-small" onClick={onSettings}>
              Open Settings
            </button>
          </div>
        </div>
      ) : null}

      {ready && !ctx && context.loading ? (
        <div className="dash-loading" aria-busy="true" role="status">
          <SpinnerIcon /> Reading what is loaded…
        </div>
      ) : null}

      {ready && ctx && !ctx.loaded ? (
        <div className="empty-state dash-empty" data-testid="dashboard-empty">
          <DatabaseIcon className="empty-icon" />
          <h2>Nothing loaded yet</h2>
          <p>The dashboard shows the data of the last successful load into schema “{schema}”. Import the doctors and appointments workbooks, check the preview, and load them.</p>
          <button type="button" className="btn btn-primary" onClick={onImport}>
            Go to Import
          </button>
        </div>
      ) : null}

      {ready && schema && ctx?.loaded ? <LoadedDashboard key={schema} schema={schema} context={ctx} dataVersion={dataVersion} /> : null}
    </section>
  );
}

/** A figure that came back once (with data or an error): what follows it may be asked for. */
function answered(query: { data: unknown; error: unknown }): boolean {
  return query.data !== null || query.error !== null;
}

function RunLine({ context }: { context: DashboardContext }) {
  const run = context.run;
  if (!run) return null;
  const files = [run.appointmentsFile, run.doctorsFile].filter((f): f is string => Boolean(f)).map(baseName);
  return (
    <>
      Run {run.runId}, loaded {formatTimestamp(run.finishedAt)}
      {files.length ? ` from ${files.join(' and ')}` : ''}: {formatCount(run.counts.appointmentsLoaded)} appointments, {formatCount(run.counts.doctorsLoaded)} doctors.
    </>
  );
}

function NotReady({ status, onSettings }: { status: DatabaseStatus | null; onSettings: () => void }) {
  if (!status || status.state === 'starting') {
    return (
      <p className="notice notice-info" role="status" aria-busy="true">
        <SpinnerIcon /> The database is starting; the dashboard appears when it is ready.
      </p>
    );
  }
  if (status.state === 'needs_password') {
    return (
      <p className="notice notice-warn" role="status">
        The database server needs its password: use “Enter password” at the top right, then the dashboard appears.
      </p>
    );
  }
  if (status.state === 'error') {
    return (
      <div className="notice notice-error" role="alert">
        <div>
          <span className="notice-title">The database is not available.</span>
          <span>{status.error.message}</span>
          <span>Reconnect from the status at the top right, or check the connection in Settings.</span>
        </div>
        <button type="button" className="btn btn-small dash-notice-action" onClick={onSettings}>
          Open Settings
        </button>
      </div>
    );
  }
  return null;
}

function LoadedDashboard({ schema, context, dataVersion }: { schema: string; context: DashboardContext; dataVersion: number }) {
  // Restored once per schema (the component is keyed by it); later loads keep the person's choices.
  const [initial] = useState(() => restore(schema, context));
  const [filters, setFilters] = useState<FilterState>(initial.filters);
  const [view, setView] = useState<ViewState>(initial.view);
  const [drill, setDrill] = useState<DrillRequest | null>(null);

  useEffect(() => remember(schema, filters, view), [schema, filters, view]);

  // The filters bar shows a change at once; the cards follow it (a typed date on Enter, on leaving
  // its field or once the typing paused, see useTypedDates) in a deferred render, which React can
  // interrupt for the next click (and which leaves every card that did not change alone).
  const typed = useTypedDates(filters);
  const shown = useDeferredValue(typed.shown);
  // While a typed range is wrong, the charts keep showing the last good filter.
  const lastGood = useRef<DashboardFilter | null>(null);
  const problem = rangeProblem(shown);
  const filter = useMemo(() => (problem && lastGood.current ? lastGood.current : toDashboardFilter(problem ? DEFAULT_FILTERS : shown, context)), [shown, context, problem]);
  useEffect(() => {
    if (!problem) lastGood.current = filter;
  }, [filter, problem]);
  const whole = isWholeLoad(filter);
  // The drill-through callbacks read the filter when clicked, so they stay the same functions
  // across filter changes: a card re-renders when its figures arrive, not also when the filter
  // moves before them (each re-render of the trend chart is hundreds of SVG elements).
  const filterNow = useRef(filter);
  useLayoutEffect(() => {
    filterNow.current = filter;
  }, [filter]);

  // On opening, what is asked first: the key figures alone (at a million rows, six queries at
  // once on four connections and two cores made the first figure wait for all of them), then the
  // charts, then the business questions at the foot of the page. Later changes ask for all at once.
  const kpis = useDashboardQuery('dashboard/kpis', { filter }, dataVersion, true);
  const kpisIn = answered(kpis);
  // Every loaded booking, for "… in all data" beside whatever a filter changes.
  const allKpis = useDashboardQuery('dashboard/kpis', whole ? null : { filter: {} }, dataVersion, false, kpisIn);
  const all = whole ? kpis.data : allKpis.data;
  const leaderboard = useDashboardQuery('dashboard/leaderboard', { filter, top: view.top }, dataVersion, false, kpisIn);
  const trend = useDashboardQuery('dashboard/trend', { filter, granularity: view.granularity }, dataVersion, false, kpisIn);
  const specialties = useDashboardQuery('dashboard/specialties', { filter }, dataVersion, false, kpisIn);
  const segments = useDashboardQuery('dashboard/segments', { filter }, dataVersion, false, kpisIn);
  const answers = useDashboardQuery('dashboard/answers', {}, dataVersion, false, answered(leaderboard) && answered(trend) && answered(segments));

  const colorOf = useMemo(() => specialtyColors(context.specialties), [context.specialties]);
  const fileSlug = rangeSlug(filter.from, filter.to);
  const rangeText = filter.from && filter.to ? formatRange(filter.from, filter.to) : filter.from ? `from ${formatDay(filter.from)}` : filter.to ? `until ${formatDay(filter.to)}` : 'all dates';
  const notes = useMemo(() => caveatNotes(context, kpis.data, all), [context, kpis.data, all]);
  const footnote = `${rangeText} · ${notes.join(' · ')}`;
  // The caveat lines as elements made once per change of their notes, so the cards stay memoised.
  const weekly = trend.data?.granularity === 'week';
  const caveatLines = useMemo(() => {
    const line = (chart: string, extra: string[] = []) => <Caveats notes={[...notes, ...extra]} testId={`caveats-${chart}`} />;
    return {
      kpis: line('kpis'),
      leaderboard: line('leaderboard'),
      trend: line('trend', weekly ? ['Weeks start on Monday'] : []),
      specialties: line('specialties'),
      segments: line('segments'),
    };
  }, [notes, weekly]);

  const selectDoctor = useCallback((doctorId: number) => {
    setFilters((now) => ({ ...now, doctorIds: now.doctorIds.length === 1 && now.doctorIds[0] === doctorId ? [] : [doctorId] }));
  }, []);
  const onTop = useCallback((top: ViewState['top']) => setView((v) => ({ ...v, top })), []);
  const onGranularity = useCallback((granularity: ViewState['granularity']) => setView((v) => ({ ...v, granularity })), []);

  const drillKpi = useCallback((kind: KpiDrill, title: string) => setDrill({ title, filter: kind === 'all' ? filterNow.current : narrow(filterNow.current, { status: kind }) }), []);
  const drillDoctor = useCallback(
    (row: LeaderboardRow) => setDrill({ title: `Bookings of ${row.name}${row.placeholder ? ` (placeholder #${row.doctorId})` : ''}`, filter: narrow(filterNow.current, { doctorId: row.doctorId }) }),
    [],
  );
  const drillPeriod = useCallback(
    (period: string, granularity: Period, status?: 'confirmed' | 'cancelled') =>
      setDrill({
        title: `${status ? `${status === 'confirmed' ? 'Confirmed' : 'Cancelled'} bookings` : 'Bookings'}, ${periodLabel(period, granularity)}`,
        filter: narrow(filterNow.current, { from: period, to: bucketEnd(period, granularity), ...(status ? { status } : {}) }),
      }),
    [],
  );
  const drillOutside = useCallback(
    (side: 'before' | 'after', day: string) =>
      setDrill(
        side === 'before'
          ? { title: `Bookings before ${formatDay(day)}`, filter: narrow(filterNow.current, { to: addDays(day, -1) }) }
          : { title: `Bookings after ${formatDay(day)}`, filter: narrow(filterNow.current, { from: addDays(day, 1) }) },
      ),
    [],
  );
  const drillSpecialty = useCallback(
    (specialty: string | null, status?: 'confirmed' | 'cancelled') =>
      setDrill({
        title: `${status ? `${status === 'confirmed' ? 'Confirmed' : 'Cancelled'} bookings` : 'Bookings'}, ${specialty ?? 'no specialty'}`,
        filter: narrow(filterNow.current, { specialty, ...(status ? { status } : {}) }),
      }),
    [],
  );
  const drillSegment = useCallback(
    (by: SegmentDrill) =>
      setDrill(
        'segment' in by
          ? { title: `Bookings of ${by.segment} patients`, filter: narrow(filterNow.current, { segment: by.segment }) }
          : { title: `Bookings of patients with ${VISITS_WORDS[by.visits]}`, filter: narrow(filterNow.current, { visits: by.visits }) },
      ),
    [],
  );

  return (
    <>
      <FiltersBar context={context} filters={filters} onChange={setFilters} onApplyDates={typed.apply} />
      {/* Between a change of the filters and the cards taking it up: busy, for assistive technology and for tests. */}
      {shown !== filters ? (
        <span className="visually-hidden" role="status" data-loading="true">
          Updating the figures…
        </span>
      ) : null}
      <KpiCards kpis={kpis.data} all={whole ? null : all} filtered={!whole} mainSpan={trend.data?.axis ?? null} loading={kpis.loading} error={kpis.error} onRetry={kpis.retry} onDrill={drillKpi} />
      {caveatLines.kpis}

      <LeaderboardCard
        query={leaderboard}
        colorOf={colorOf}
        top={view.top}
        onTop={onTop}
        selectedIds={shown.doctorIds}
        onSelectDoctor={selectDoctor}
        onDrillDoctor={drillDoctor}
        caveats={caveatLines.leaderboard}
        fileSlug={fileSlug}
        footnote={footnote}
      />

      <TrendCard
        query={trend}
        kpis={kpis.data}
        range={filter}
        firstBooking={context.span?.from ?? null}
        choice={view.granularity}
        onChoice={onGranularity}
        onDrill={drillPeriod}
        onDrillOutside={drillOutside}
        caveats={caveatLines.trend}
        fileSlug={fileSlug}
        footnote={footnote}
      />

      <div className="dash-pair">
        <SpecialtyCard query={specialties} colorOf={colorOf} onDrill={drillSpecialty} caveats={caveatLines.specialties} fileSlug={fileSlug} footnote={footnote} />
        <SegmentsCard query={segments} onDrill={drillSegment} caveats={caveatLines.segments} fileSlug={fileSlug} footnote={footnote} />
      </div>

      <AnswersPanel query={answers} filtered={!whole} />

      {drill ? <DrillDialog request={drill} context={context} version={dataVersion} onClose={() => setDrill(null)} /> : null}
    </>
  );
}
