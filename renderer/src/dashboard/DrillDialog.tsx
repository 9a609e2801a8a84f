/**
 * The bookings behind a bar, a point or a key figure: a virtualised list with the workbook and
 * Excel row each booking came from in the load shown, and "Export CSV" (main writes the file).
 */
import { useCallback, useMemo, useState } from 'react';
import type { DashboardContext, DrillRow, ErrorData } from '../../../shared/contract';
import { call, toErrorData } from '../api';
import { Dialog } from '../components/Dialog';
import { DownloadIcon, SpinnerIcon } from '../components/Icons';
import { baseName, formatCount, plural } from '../format';
import { formatDay, formatRange } from './dates';
import { VISITS_WORDS, type DrillRequest } from './drill';
import { DrillTable, type DrillColumn } from './DrillTable';

const COLUMNS: DrillColumn[] = [
  { key: 'booking', header: 'Booking', width: '96px', align: 'end', render: (r) => <span className="mono">{r.bookingId}</span> },
  { key: 'patient', header: 'Patient', width: '84px', align: 'end', render: (r) => <span className="mono">{r.patientId}</span> },
  {
    key: 'doctor',
    header: 'Doctor',
    width: 'minmax(180px, 1.4fr)',
    render: (r) => (
      <>
        {r.doctorName}
        {r.placeholder ? <span className="dash-tag">placeholder</span> : null} <span className="muted">#{r.doctorId}</span>
      </>
    ),
    title: (r) => `${r.doctorName} (#${r.doctorId})${r.placeholder ? ', placeholder doctor' : ''}${r.specialty ? `, ${r.specialty}` : ''}`,
  },
  { key: 'date', header: 'Date', width: '104px', render: (r) => <span className="mono">{r.bookingDate}</span> },
  { key: 'status', header: 'Status', width: '100px', render: (r) => <span className={`dash-status dash-status-${r.status}`}>{r.status}</span> },
  {
    key: 'source',
    header: 'Source (workbook, Excel row)',
    width: 'minmax(210px, 1.2fr)',
    render: (r) => <SourceCell row={r} />,
    title: (r) => (r.sourceFile ? `${r.sourceFile}${r.sourceRow === null ? '' : `, row ${r.sourceRow}`}` : 'not recorded'),
  },
];

function SourceCell({ row }: { row: DrillRow }) {
  if (!row.sourceFile && row.sourceRow === null) return <span className="muted">not recorded</span>;
  return (
    <>
      {row.sourceFile ? baseName(row.sourceFile) : 'workbook'}
      {row.sourceRow === null ? null : <span className="muted"> · row {formatCount(row.sourceRow)}</span>}
    </>
  );
}

type ExportState = { status: 'idle' } | { status: 'running' } | { status: 'done'; path: string | null; rows: number } | { status: 'failed'; error: ErrorData };

interface Props {
  request: DrillRequest;
  context: DashboardContext;
  version: number;
  onClose: () => void;
}

export function DrillDialog({ request, context, version, onClose }: Props) {
  const [total, setTotal] = useState<number | null>(null);
  const [exported, setExported] = useState<ExportState>({ status: 'idle' });
  const { filter } = request;
  const onTotal = useCallback((value: number | null) => setTotal(value), []);

  const scope = useMemo(() => {
    const parts: string[] = [];
    if (filter.from || filter.to) parts.push(filter.from && filter.to ? formatRange(filter.from, filter.to) : filter.from ? `from ${formatDay(filter.from)}` : `until ${formatDay(filter.to ?? '')}`);
    else parts.push('all dates');
    if (filter.doctorIds?.length) {
      const names = new Map(context.doctors.map((d) => [d.doctorId, d.name]));
      parts.push(filter.doctorIds.map((id) => `${names.get(id) ?? 'Doctor'} #${id}`).join(', '));
    }
    if (filter.specialties?.length) parts.push(filter.specialties.map((s) => (s === '' ? 'no specialty' : s)).join(', '));
    if (filter.statuses?.length) parts.push(filter.statuses.join(' and '));
    // A narrowed drill decides segments and visit counts over the dashboard's view (scope).
    const where = filter.scope ? ' in the dashboard’s view' : '';
    if (filter.segment && filter.segment !== 'all') parts.push(`${filter.segment} patients${where}`);
    if (filter.visits) parts.push(`patients with ${VISITS_WORDS[filter.visits]}${where || ' in the filter'}`);
    return parts.join(' · ');
  }, [filter, context.doctors]);

  const exportCsv = () => {
    setExported({ status: 'running' });
    call('dashboard/export-drill', { filter })
      .then((result) => setExported({ status: 'done', path: result.path, rows: result.rows }))
      .catch((reason: unknown) => setExported({ status: 'failed', error: toErrorData(reason) }));
  };

  return (
    <Dialog
      title={request.title}
      onClose={onClose}
      testId="drill-panel"
      describedBy="drill-scope"
      wide
      footer={
        <>
          <span className="dash-drill-result" role="status">
            {exported.status === 'running' ? 'Writing the CSV…' : null}
            {exported.status === 'done' ? (exported.path ? `Saved ${plural(exported.rows, 'booking')} to ${exported.path}` : 'Export cancelled; nothing was saved.') : null}
            {exported.status === 'failed' ? <span className="tone-error">The CSV was not written: {exported.error.message}</span> : null}
          </span>
          <button type="button" className="btn" onClick={exportCsv} disabled={exported.status === 'running' || total === 0}>
            {exported.status === 'running' ? <SpinnerIcon /> : <DownloadIcon />}
            Export CSV…
          </button>
          <button type="button" className="btn btn-primary" onClick={onClose} data-autofocus>
            Close
          </button>
        </>
      }
    >
      <div className="dash-drill">
        <p id="drill-scope" className="muted">
          <span className="strong dash-drill-count" data-testid="drill-total" data-value={total ?? undefined}>
            {total === null ? 'Counting…' : plural(total, 'booking')}
          </span>{' '}
          · {scope}
        </p>
        <DrillTable filter={filter} version={version} columns={COLUMNS} label={`${request.title}: bookings`} rowHeight={34} onTotal={onTotal} />
        <p className="hint">
          Source rows are the Excel row numbers in the appointments workbook of run {context.run?.runId ?? '—'}
          {context.run?.appointmentsFile ? ` (${baseName(context.run.appointmentsFile)})` : ''}. The CSV has every matching booking, not only the rows on screen.
        </p>
      </div>
    </Dialog>
  );
}
