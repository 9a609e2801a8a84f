/**
 * The preview's row-level detail, one tab per list: rejected rows, fixes, placeholder doctors,
 * duplicates, suspicious dates. Every list is paged from main and virtualised here.
 */
import { useCallback, useId, useMemo, useRef, useState } from 'react';
import type { PreviewSummary } from '../../../shared/contract';
import { REJECT_REASONS, type FileKind, type Fix, type FixGroup, type FixRule, type PlaceholderUse, type RejectReason, type RejectedRow, type SuspiciousDate } from '../../../shared/domain';
import { PagedTable, type Column, type RowsFilter } from '../components/PagedTable';
import { Tabs, panelId, tabId } from '../components/Tabs';
import { RawValues, Value, rawText } from '../components/Value';
import { FILE_LABEL, REASON_LABEL, RULE_LABEL, SUSPICIOUS_LABEL, formatCount, plural } from '../format';
import { useDebounced } from '../state/useDebounced';
import { FixGroups } from './FixGroups';

type DetailTab = 'rejected' | 'fixes' | 'placeholders' | 'duplicates' | 'suspicious';

export function Details({ summary }: { summary: PreviewSummary }) {
  const [tab, setTab] = useState<DetailTab>('rejected');
  const idBase = useId().replace(/:/g, '');
  const { totals } = summary;
  const tabs = [
    { key: 'rejected' as const, label: 'Rejected rows', count: totals.rejected },
    { key: 'fixes' as const, label: 'Fixes', count: totals.fixes },
    { key: 'placeholders' as const, label: 'Placeholder doctors', count: totals.placeholders },
    { key: 'duplicates' as const, label: 'Duplicates', count: totals.duplicates },
    { key: 'suspicious' as const, label: 'Suspicious dates', count: totals.suspicious },
  ];

  return (
    <section className="details" aria-labelledby="details-title">
      <h2 id="details-title" className="section-title">
        Row by row
      </h2>
      <Tabs idBase={idBase} label="Preview details" tabs={tabs} selected={tab} onSelect={setTab} formatCount={formatCount} />
      {tabs.map(({ key }) => (
        <div key={key} role="tabpanel" id={panelId(idBase, key)} aria-labelledby={tabId(idBase, key)} hidden={key !== tab} className="tabpanel">
          {key !== tab ? null : key === 'rejected' ? (
            <RejectedPanel summary={summary} />
          ) : key === 'fixes' ? (
            <FixesPanel summary={summary} />
          ) : key === 'placeholders' ? (
            <PlaceholdersPanel summary={summary} />
          ) : key === 'duplicates' ? (
            <DuplicatesPanel summary={summary} />
          ) : (
            <SuspiciousPanel summary={summary} />
          )}
        </div>
      ))}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------

/** The file and Excel row a rejected row came from, on two lines. */
function WhereCell({ row }: { row: RejectedRow }) {
  return (
    <span data-lines="">
      <span className="cell-title">{FILE_LABEL[row.file]}</span>
      <span className="cell-sub">row {formatCount(row.row)}</span>
    </span>
  );
}

/** Every problem of the row, the reason's first. */
function ProblemsCell({ row }: { row: RejectedRow }) {
  return (
    <ul className="problems" data-lines="">
      {row.problems.map((problem, i) => (
        <li key={i}>{problem.message}</li>
      ))}
    </ul>
  );
}

/** The button that shows a row in full below the table (values are never cut short there). */
function ExpandButton({ row, open, onOpen }: { row: RejectedRow; open: boolean; onOpen: (row: RejectedRow | null) => void }) {
  return (
    <button
      type="button"
      className="btn btn-small btn-quiet row-expand"
      aria-expanded={open}
      aria-controls="row-details"
      onClick={() => onOpen(open ? null : row)}
      aria-label={`${open ? 'Hide' : 'Show'} ${FILE_LABEL[row.file].toLowerCase()} row ${row.row} in full`}
      title={open ? 'Hide the details' : 'Show this row in full'}
    >
      {open ? 'Hide' : 'Details'}
    </button>
  );
}

const sameRow = (a: RejectedRow | null, b: RejectedRow) => a !== null && a.file === b.file && a.row === b.row;

function rejectedColumns(selected: RejectedRow | null, onOpen: (row: RejectedRow | null) => void): Column<RejectedRow>[] {
  return [
    { key: 'reason', header: 'Reason', width: '140px', render: (r) => <span className={`reason wrap-2 reason-${r.reason}`}>{REASON_LABEL[r.reason]}</span>, title: (r) => REASON_LABEL[r.reason] },
    { key: 'where', header: 'Excel row', width: '118px', render: (r) => <WhereCell row={r} /> },
    { key: 'problems', header: 'Problems', width: 'minmax(210px, 1fr)', render: (r) => <ProblemsCell row={r} />, title: (r) => r.problems.map((p) => p.message).join('\n') },
    { key: 'raw', header: 'Values as typed', width: 'minmax(260px, 1.35fr)', render: (r) => <RawValues raw={r.raw} />, title: (r) => rawText(r.raw) },
    { key: 'open', header: 'In full', width: '100px', render: (r) => <ExpandButton row={r} open={sameRow(selected, r)} onOpen={onOpen} /> },
  ];
}

/** A rejected row in full: where it came from, every problem, and every value as typed. */
function RowDetails({ row, onClose }: { row: RejectedRow; onClose: () => void }) {
  return (
    <section id="row-details" className="panel row-details" aria-labelledby="row-details-title" data-testid="row-details">
      <div className="row-details-head">
        <h3 id="row-details-title" className="sub-title">
          {FILE_LABEL[row.file]}, Excel row {formatCount(row.row)}
          {row.keptRow !== undefined ? <span className="muted"> (row {formatCount(row.keptRow)} was kept)</span> : null}
        </h3>
        <button type="button" className="btn btn-small btn-quiet" onClick={onClose}>
          Close
        </button>
      </div>
      <h4 className="facts-label">{plural(row.problems.length, 'problem')}</h4>
      <ol className="row-details-problems">
        {row.problems.map((problem, i) => (
          <li key={i}>
            <span className="strong">{REASON_LABEL[problem.reason]}</span>
            {problem.column ? <span className="mono muted"> · {problem.column}</span> : null}: {problem.message}
          </li>
        ))}
      </ol>
      <h4 className="facts-label">Values as typed</h4>
      <dl className="row-details-values">
        {Object.entries(row.raw).map(([column, value]) => (
          <div key={column}>
            <dt className="mono">{column}</dt>
            <dd>
              <Value text={value} />
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function useTotal() {
  const [total, setTotal] = useState<number | null>(null);
  return [total, useCallback((t: number | null) => setTotal(t), [])] as const;
}

/**
 * `data-search` is the search the table below was last asked for (the debounced text), set in the
 * same render as the table's new list, so a reader (the end-to-end specs) can tell the count of
 * that search from the count of the text typed before it.
 */
function MatchCount({ total, all, noun, many, search }: { total: number | null; all: number; noun: string; many?: string; search: string }) {
  return (
    <p className="match-count num" aria-live="polite" data-search={search}>
      {total === null ? 'Counting…' : total === all ? plural(all, noun, many) : `${formatCount(total)} of ${plural(all, noun, many)} match`}
    </p>
  );
}

function SearchField({ id, value, onChange, placeholder }: { id: string; value: string; onChange: (value: string) => void; placeholder: string }) {
  return (
    <div className="field field-grow">
      <label htmlFor={id}>Search</label>
      <input id={id} type="search" value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder} maxLength={200} autoComplete="off" spellCheck={false} />
    </div>
  );
}

function FileFilter({ id, value, onChange }: { id: string; value: FileKind | ''; onChange: (value: FileKind | '') => void }) {
  return (
    <div className="field">
      <label htmlFor={id}>File</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as FileKind | '')}>
        <option value="">Both files</option>
        <option value="doctors">Doctors</option>
        <option value="appointments">Appointments</option>
      </select>
    </div>
  );
}

function RejectedPanel({ summary }: { summary: PreviewSummary }) {
  const id = useId();
  const [reason, setReason] = useState<RejectReason | ''>('');
  const [file, setFile] = useState<FileKind | ''>('');
  const [text, setText] = useState('');
  const search = useDebounced(text.trim(), 250);
  const [total, setTotal] = useTotal();
  const filter = useMemo<RowsFilter>(() => ({ ...(reason ? { reason } : {}), ...(file ? { file } : {}), ...(search ? { text: search } : {}) }), [reason, file, search]);
  const reasons = REJECT_REASONS.filter((r) => (summary.rejectedByReason[r] ?? 0) > 0);
  const [selected, setSelected] = useState<RejectedRow | null>(null);
  const columns = useMemo(() => rejectedColumns(selected, setSelected), [selected]);

  return (
    <>
      <div className="filters" role="search" aria-label="Filter rejected rows">
        <div className="field">
          <label htmlFor={`${id}-reason`}>Reason</label>
          <select id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value as RejectReason | '')}>
            <option value="">All reasons ({formatCount(summary.totals.rejected)})</option>
            {reasons.map((r) => (
              <option key={r} value={r}>
                {REASON_LABEL[r]} ({formatCount(summary.rejectedByReason[r] ?? 0)})
              </option>
            ))}
          </select>
        </div>
        <FileFilter id={`${id}-file`} value={file} onChange={setFile} />
        <SearchField id={`${id}-search`} value={text} onChange={setText} placeholder="Row, message or value" />
        <MatchCount total={total} search={search} all={summary.totals.rejected} noun="row" />
      </div>
      <PagedTable
        previewId={summary.previewId}
        table="rejected"
        filter={filter}
        columns={columns}
        label="Rejected rows"
        testId="table-rejected"
        rowHeight={72}
        emptyText={summary.totals.rejected === 0 ? 'No rows were rejected.' : 'No rejected rows match these filters.'}
        onTotal={setTotal}
      />
      {selected ? <RowDetails row={selected} onClose={() => setSelected(null)} /> : null}
    </>
  );
}

// ---------------------------------------------------------------------------------------------

const fixColumns: Column<Fix>[] = [
  { key: 'rule', header: 'Rule', width: 'minmax(170px, 1fr)', render: (f) => RULE_LABEL[f.rule], title: (f) => RULE_LABEL[f.rule] },
  { key: 'file', header: 'File', width: '122px', render: (f) => FILE_LABEL[f.file] },
  { key: 'row', header: 'Excel row', width: '110px', align: 'end', render: (f) => formatCount(f.row) },
  { key: 'column', header: 'Column', width: '124px', render: (f) => <span className="mono">{f.column}</span> },
  { key: 'before', header: 'Before', width: 'minmax(140px, 1.2fr)', render: (f) => <Value text={f.before} />, title: (f) => f.before },
  { key: 'after', header: 'After', width: 'minmax(140px, 1.2fr)', render: (f) => <Value text={f.after} />, title: (f) => f.after },
];

function FixesPanel({ summary }: { summary: PreviewSummary }) {
  const id = useId();
  const [rule, setRule] = useState<FixRule | ''>('');
  const [file, setFile] = useState<FileKind | ''>('');
  const [column, setColumn] = useState('');
  const [text, setText] = useState('');
  const search = useDebounced(text.trim(), 250);
  const [total, setTotal] = useTotal();
  const filter = useMemo<RowsFilter>(
    () => ({ ...(rule ? { rule } : {}), ...(file ? { file } : {}), ...(column ? { column } : {}), ...(search ? { text: search } : {}) }),
    [rule, file, column, search],
  );
  const columns = [...new Set(summary.fixGroups.map((g) => g.column))].sort();
  const rules = (Object.keys(RULE_LABEL) as FixRule[]).filter((r) => (summary.fixesByRule[r] ?? 0) > 0);
  const everyFix = useRef<HTMLHeadingElement>(null);
  // "List all": the full list below, filtered to the group's rule and file.
  const listAll = useCallback((group: FixGroup) => {
    setRule(group.rule);
    setFile(group.file);
    setColumn(group.column);
    setText('');
    everyFix.current?.scrollIntoView({ block: 'start' });
    everyFix.current?.focus();
  }, []);

  return (
    <>
      <FixGroups groups={summary.fixGroups} onListAll={listAll} />
      <h3 className="sub-title" ref={everyFix} tabIndex={-1}>
        Every fix
      </h3>
      <div className="filters" role="search" aria-label="Filter fixes">
        <div className="field">
          <label htmlFor={`${id}-rule`}>Rule</label>
          <select id={`${id}-rule`} value={rule} onChange={(e) => setRule(e.target.value as FixRule | '')}>
            <option value="">All rules ({formatCount(summary.totals.fixes)})</option>
            {rules.map((r) => (
              <option key={r} value={r}>
                {RULE_LABEL[r]} ({formatCount(summary.fixesByRule[r] ?? 0)})
              </option>
            ))}
          </select>
        </div>
        <FileFilter id={`${id}-file`} value={file} onChange={setFile} />
        <div className="field">
          <label htmlFor={`${id}-column`}>Column</label>
          <select id={`${id}-column`} value={column} onChange={(e) => setColumn(e.target.value)}>
            <option value="">All columns</option>
            {columns.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <SearchField id={`${id}-search`} value={text} onChange={setText} placeholder="Row or value" />
        <MatchCount total={total} search={search} all={summary.totals.fixes} noun="fix" many="fixes" />
      </div>
      <PagedTable
        previewId={summary.previewId}
        table="fixes"
        filter={filter}
        columns={fixColumns}
        label="Every fix"
        testId="table-fixes"
        rowHeight={38}
        emptyText={summary.totals.fixes === 0 ? 'No value needed fixing.' : 'No fixes match these filters.'}
        onTotal={setTotal}
      />
    </>
  );
}

// ---------------------------------------------------------------------------------------------

const placeholderColumns: Column<PlaceholderUse>[] = [
  { key: 'doctorId', header: 'Doctor id', width: '120px', align: 'end', render: (p) => <span className="mono">{p.doctorId}</span> },
  { key: 'name', header: 'Loaded as', width: 'minmax(220px, 2fr)', render: () => 'name Unknown, specialty Unknown' },
  { key: 'appointments', header: 'Appointments', width: '150px', align: 'end', render: (p) => formatCount(p.appointments) },
  { key: 'firstRow', header: 'First appointment row', width: '210px', align: 'end', render: (p) => formatCount(p.firstRow) },
];

function PlaceholdersPanel({ summary }: { summary: PreviewSummary }) {
  return (
    <>
      <p className="panel-intro">These doctor ids are used by kept appointments but are missing from the doctors workbook. They are loaded as placeholder doctors named “Unknown”, so the appointments keep their doctor.</p>
      <PagedTable
        previewId={summary.previewId}
        table="placeholders"
        filter={{}}
        columns={placeholderColumns}
        label="Placeholder doctors"
        testId="table-placeholders"
        rowHeight={38}
        emptyText="Every doctor id used by an appointment is in the doctors workbook."
      />
    </>
  );
}

// ---------------------------------------------------------------------------------------------

function duplicateColumns(selected: RejectedRow | null, onOpen: (row: RejectedRow | null) => void): Column<RejectedRow>[] {
  return [
    { key: 'where', header: 'Excel row', width: '118px', render: (r) => <WhereCell row={r} /> },
    { key: 'kept', header: 'Kept row', width: '96px', align: 'end', render: (r) => (r.keptRow === undefined ? '—' : formatCount(r.keptRow)) },
    { key: 'message', header: 'Message', width: 'minmax(220px, 1fr)', render: (r) => <span className="wrap-2">{r.message}</span>, title: (r) => r.message },
    { key: 'raw', header: 'Values as typed', width: 'minmax(260px, 1.35fr)', render: (r) => <RawValues raw={r.raw} />, title: (r) => rawText(r.raw) },
    { key: 'open', header: 'In full', width: '100px', render: (r) => <ExpandButton row={r} open={sameRow(selected, r)} onOpen={onOpen} /> },
  ];
}

function DuplicatesPanel({ summary }: { summary: PreviewSummary }) {
  const id = useId();
  const [file, setFile] = useState<FileKind | ''>('');
  const [text, setText] = useState('');
  const search = useDebounced(text.trim(), 250);
  const [total, setTotal] = useTotal();
  const filter = useMemo<RowsFilter>(() => ({ ...(file ? { file } : {}), ...(search ? { text: search } : {}) }), [file, search]);
  const [selected, setSelected] = useState<RejectedRow | null>(null);
  const columns = useMemo(() => duplicateColumns(selected, setSelected), [selected]);
  return (
    <>
      <p className="panel-intro">Rows with the same booking id (appointments) or doctor id (doctors). The appointment with the earliest date is kept (on a tie, the first in the file); for doctors, the first.</p>
      <div className="filters" role="search" aria-label="Filter duplicates">
        <FileFilter id={`${id}-file`} value={file} onChange={setFile} />
        <SearchField id={`${id}-search`} value={text} onChange={setText} placeholder="Row, message or value" />
        <MatchCount total={total} search={search} all={summary.totals.duplicates} noun="duplicate" />
      </div>
      <PagedTable
        previewId={summary.previewId}
        table="duplicates"
        filter={filter}
        columns={columns}
        label="Duplicates"
        testId="table-duplicates"
        rowHeight={72}
        emptyText={summary.totals.duplicates === 0 ? 'No duplicates.' : 'No duplicates match these filters.'}
        onTotal={setTotal}
      />
      {selected ? <RowDetails row={selected} onClose={() => setSelected(null)} /> : null}
    </>
  );
}

// ---------------------------------------------------------------------------------------------

const suspiciousColumns: Column<SuspiciousDate>[] = [
  { key: 'row', header: 'Excel row', width: '110px', align: 'end', render: (s) => formatCount(s.row) },
  { key: 'booking', header: 'Booking id', width: 'minmax(120px, 1fr)', render: (s) => <span className="mono">{s.bookingId}</span> },
  // The YYYY-MM-DD string as given: never through Date, so no time zone can move it.
  { key: 'date', header: 'Booking date', width: 'minmax(120px, 1fr)', render: (s) => <span className="mono">{s.date}</span> },
  { key: 'reason', header: 'Why', width: 'minmax(160px, 1.2fr)', render: (s) => SUSPICIOUS_LABEL[s.reason] },
  { key: 'outcome', header: 'Outcome', width: 'minmax(160px, 1.2fr)', render: (s) => (s.quarantined ? 'Quarantined (rejected)' : 'Kept, with a warning') },
];

function SuspiciousPanel({ summary }: { summary: PreviewSummary }) {
  const id = useId();
  const [text, setText] = useState('');
  const search = useDebounced(text.trim(), 250);
  const [total, setTotal] = useTotal();
  const filter = useMemo<RowsFilter>(() => (search ? { text: search } : {}), [search]);
  return (
    <>
      <p className="panel-intro">
        Booking dates before 2000-01-01 or more than 365 days after the run date ({summary.runDate}).{' '}
        {summary.options.suspiciousPolicy === 'quarantine' ? 'They are quarantined: rejected and not loaded.' : 'They are kept and loaded; choose “Quarantine” to reject them instead.'}
      </p>
      <div className="filters" role="search" aria-label="Filter suspicious dates">
        <SearchField id={`${id}-search`} value={text} onChange={setText} placeholder="Row, booking id or date" />
        <MatchCount total={total} search={search} all={summary.totals.suspicious} noun="date" />
      </div>
      <PagedTable
        previewId={summary.previewId}
        table="suspicious"
        filter={filter}
        columns={suspiciousColumns}
        label="Suspicious dates"
        testId="table-suspicious"
        rowHeight={38}
        emptyText={summary.totals.suspicious === 0 ? 'No suspicious dates.' : 'No suspicious dates match this search.'}
        onTotal={setTotal}
      />
    </>
  );
}
