/**
 * What cleaning did, in numbers: rows per file (and that they reconcile), totals, the date order
 * used and its evidence, extra columns and warnings.
 */
import type { PreviewSummary } from '../../../shared/contract';
import type { FileKind } from '../../../shared/domain';
import { ScrollRegion } from '../components/ScrollRegion';
import { CheckIcon, ErrorIcon, WarningIcon } from '../components/Icons';
import { BASIS_LABEL, DATE_ORDER_LABEL, FILE_LABEL, POLICY_LABEL, USED_ORDER_LABEL, formatCount } from '../format';

const KINDS: FileKind[] = ['doctors', 'appointments'];

/** A number with a stable test id and its raw value. */
function Count({ testId, value }: { testId: string; value: number }) {
  return (
    <span data-testid={testId} data-value={value}>
      {formatCount(value)}
    </span>
  );
}

export function Summary({ summary }: { summary: PreviewSummary }) {
  const { counts, totals, files, dateOrder } = summary;
  const cards: { key: string; label: string; value: number; note: string; tone?: 'ok' | 'warn' | 'bad' }[] = [
    { key: 'appointments', label: 'Appointments', value: counts.appointments, note: 'to load', tone: 'ok' },
    { key: 'doctors', label: 'Doctors', value: counts.doctors, note: totals.placeholders > 0 ? `to load, incl. ${formatCount(totals.placeholders)} placeholder${totals.placeholders === 1 ? '' : 's'}` : 'to load', tone: 'ok' },
    { key: 'rejected', label: 'Rejected rows', value: totals.rejected, note: 'not loaded', tone: totals.rejected > 0 ? 'bad' : undefined },
    { key: 'duplicates', label: 'Duplicates', value: totals.duplicates, note: 'among the rejected' },
    { key: 'fixes', label: 'Values fixed', value: totals.fixes, note: 'in kept rows' },
    { key: 'placeholders', label: 'Placeholders', value: totals.placeholders, note: 'doctors named Unknown', tone: totals.placeholders > 0 ? 'warn' : undefined },
    { key: 'suspicious', label: 'Suspicious', value: totals.suspicious, note: summary.options.suspiciousPolicy === 'quarantine' ? 'dates, quarantined' : 'dates, kept with a warning', tone: totals.suspicious > 0 ? 'warn' : undefined },
  ];

  const evidence = dateOrder.evidence;

  return (
    <>
      <section aria-labelledby="totals-title">
        <h2 id="totals-title" className="visually-hidden">
          Totals
        </h2>
        <ul className="stat-grid">
          {cards.map((card) => (
            <li key={card.key} className={`stat ${card.tone ? `stat-${card.tone}` : ''}`}>
              <span className="stat-label">{card.label}</span>
              <span className="stat-value num">
                <Count testId={`total-${card.key}`} value={card.value} />
              </span>
              <span className="stat-note">{card.note}</span>
            </li>
          ))}
        </ul>
      </section>

      <section className="panel" aria-labelledby="files-title">
        <h2 id="files-title" className="panel-title">
          Rows per file
        </h2>
        <ScrollRegion label="Table of rows per file">
          <table className="data-table files-table" data-testid="table-files">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col" className="num">
                  Read
                </th>
                <th scope="col" className="num">
                  Kept
                </th>
                <th scope="col" className="num">
                  Fixed values
                </th>
                <th scope="col" className="num">
                  Rejected
                </th>
                <th scope="col" className="num">
                  Repeated headers
                </th>
                <th scope="col" className="num">
                  Blank rows
                </th>
                <th scope="col">Reconciles</th>
              </tr>
            </thead>
            <tbody>
              {KINDS.map((kind) => {
                const file = files[kind];
                const c = file.counts;
                return (
                  <tr key={kind}>
                    <th scope="row">
                      <span className="cell-title">{FILE_LABEL[kind]}</span>
                      <span className="cell-sub" title={file.path}>
                        {file.name} · sheet “{file.sheet}” · header on row {file.headerRow}
                      </span>
                    </th>
                    <td className="num">
                      <Count testId={`count-${kind}-read`} value={c.read} />
                    </td>
                    <td className="num">
                      <Count testId={`count-${kind}-kept`} value={c.kept} />
                    </td>
                    <td className="num">
                      <Count testId={`count-${kind}-fixed`} value={c.fixed} />
                    </td>
                    <td className="num">
                      <Count testId={`count-${kind}-rejected`} value={c.rejected} />
                    </td>
                    <td className="num">
                      <Count testId={`count-${kind}-repeated-headers`} value={c.repeatedHeaders} />
                    </td>
                    <td className="num">
                      <Count testId={`count-${kind}-blank-rows`} value={c.blankRows} />
                    </td>
                    <td data-testid={`reconciled-${kind}`} data-value={String(file.reconciled)}>
                      {file.reconciled ? (
                        <span className="status status-ok">
                          <CheckIcon /> Yes
                        </span>
                      ) : (
                        <span className="status status-bad">
                          <ErrorIcon /> No
                        </span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollRegion>
        <p className="hint">Every row read is accounted for: read = kept + rejected + repeated headers + blank rows.</p>
      </section>

      <div className="two-col">
        <section className="panel" aria-labelledby="date-order-title">
          <h2 id="date-order-title" className="panel-title">
            Date order
          </h2>
          <p className="big-fact" data-testid="date-order-used" data-value={dateOrder.used}>
            {USED_ORDER_LABEL[dateOrder.used]}
          </p>
          <p data-testid="date-order-basis" data-value={dateOrder.basis}>
            {BASIS_LABEL[dateOrder.basis]}
          </p>
          <dl className="facts facts-inline">
            <div>
              <dt>Requested</dt>
              <dd>{DATE_ORDER_LABEL[dateOrder.requested]}</dd>
            </div>
            <div>
              <dt>Slash dates seen</dt>
              <dd className="num">
                <Count testId="evidence-slash-dates" value={evidence.slashDates} />
              </dd>
            </div>
            <div>
              <dt>Only month-first fits</dt>
              <dd className="num">
                <Count testId="evidence-month-first" value={evidence.monthFirst} />
              </dd>
            </div>
            <div>
              <dt>Only day-first fits</dt>
              <dd className="num">
                <Count testId="evidence-day-first" value={evidence.dayFirst} />
              </dd>
            </div>
          </dl>
          {evidence.monthFirstRows.length > 0 || evidence.dayFirstRows.length > 0 ? (
            <p className="hint">
              {evidence.monthFirstRows.length > 0 ? `Month-first examples on Excel rows ${evidence.monthFirstRows.join(', ')}. ` : ''}
              {evidence.dayFirstRows.length > 0 ? `Day-first examples on Excel rows ${evidence.dayFirstRows.join(', ')}.` : ''}
            </p>
          ) : null}
        </section>

        <section className="panel" aria-labelledby="notes-title">
          <h2 id="notes-title" className="panel-title">
            Columns and warnings
          </h2>
          <dl className="facts facts-inline">
            <div>
              <dt>Run date</dt>
              <dd className="mono">{summary.runDate}</dd>
            </div>
            <div>
              <dt>Suspicious dates</dt>
              <dd>{POLICY_LABEL[summary.options.suspiciousPolicy]}</dd>
            </div>
          </dl>
          <h3 className="sub-title">Columns</h3>
          <dl className="facts facts-stacked" data-testid="preview-columns">
            {KINDS.map((kind) => {
              const { columns, name } = files[kind];
              return (
                <div key={kind}>
                  <dt>{name}</dt>
                  <dd>
                    {columns.extra.length > 0 ? (
                      <>
                        Extra, ignored:{' '}
                        <ul className="chips chips-inline">
                          {columns.extra.map((column, i) => (
                            <li key={`${column}-${i}`} className="chip chip-extra">
                              {column}
                            </li>
                          ))}
                        </ul>
                      </>
                    ) : (
                      'No extra columns.'
                    )}
                    {columns.repeated.length > 0 ? <span className="block">Appear twice (the first is used): {columns.repeated.join(', ')}</span> : null}
                    {columns.missingOptional.length > 0 ? <span className="block">Optional, missing (stored empty): {columns.missingOptional.join(', ')}</span> : null}
                  </dd>
                </div>
              );
            })}
          </dl>
          <h3 className="sub-title">Warnings</h3>
          {summary.warnings.length === 0 ? (
            <p className="muted">No warnings.</p>
          ) : (
            <ul className="warning-list" data-testid="preview-warnings">
              {summary.warnings.map((text, i) => (
                <li key={i}>
                  <WarningIcon className="tone-warn" />
                  <span>{text}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </>
  );
}
