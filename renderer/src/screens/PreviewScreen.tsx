/**
 * Preview, before anything is written: progress while the workbooks are read (with Cancel), then
 * what cleaning did (summary and row-by-row tabs), exporting the rejected rows, and the way on to
 * the load.
 */
import { useState } from 'react';
import type { ExportResult } from '../../../shared/contract';
import { call, toErrorData } from '../api';
import { ArrowRightIcon, CheckIcon, DownloadIcon, ErrorIcon, InfoIcon } from '../components/Icons';
import { FileNotes } from '../components/FileNotes';
import { OptionsFields } from '../components/OptionsFields';
import { plural } from '../format';
import { Details } from '../preview/Details';
import { ProgressPanel } from '../preview/ProgressPanel';
import { Summary } from '../preview/Summary';
import type { ImportFlow } from '../state/useImportFlow';

interface Props {
  flow: ImportFlow;
  onLoad: () => void;
  onImport: () => void;
  loadBusy: boolean;
}

export function PreviewScreen({ flow, onLoad, onImport, loadBusy }: Props) {
  const { preview, slots } = flow;
  const haveFiles = !!slots.doctors && !!slots.appointments;
  const summary = preview.status === 'done' ? preview.summary : null;
  const exporter = useExport(summary?.previewId ?? null);

  return (
    <section className="screen" aria-labelledby="preview-title">
      <div className="screen-head">
        <div>
          <h1 id="preview-title" tabIndex={-1}>
            Preview
          </h1>
          <p className="lead">
            {haveFiles ? (
              <>
                <span className="mono">{slots.doctors?.name}</span> and <span className="mono">{slots.appointments?.name}</span>. Nothing has been written to the database.
              </>
            ) : (
              'What cleaning does to the workbooks, before anything is written.'
            )}
          </p>
        </div>
        {summary ? (
          <div className="button-row screen-actions">
            <button type="button" className="btn" onClick={() => void exporter.run()} disabled={exporter.busy || summary.totals.rejected === 0}>
              <DownloadIcon />
              {exporter.busy ? 'Exporting…' : 'Export rejected rows…'}
            </button>
            <button type="button" className="btn btn-primary" onClick={onLoad} disabled={loadBusy}>
              Load into database…
              <ArrowRightIcon />
            </button>
          </div>
        ) : null}
      </div>

      <ExportResultView state={exporter} />
      <FileNotes notes={flow.notes} onlyWarnings />
      {flow.problems.length > 0 ? (
        <div className="notice notice-error" role="alert" data-testid="preview-file-problems">
          <ErrorIcon />
          <ul className="plain-list">
            {flow.problems.map((file, i) => (
              <li key={`${file.path}-${i}`}>{file.problem?.message ?? `${file.name} is neither a doctors nor an appointments workbook.`}</li>
            ))}
          </ul>
        </div>
      ) : null}

      {haveFiles ? (
        <div className="toolbar" aria-label="Cleaning options" role="group">
          <OptionsFields idBase="preview" options={flow.options} onChange={flow.setOptions} compact />
          <p className="hint toolbar-hint">Changing an option runs the preview again.</p>
        </div>
      ) : null}

      {!haveFiles ? (
        <div className="empty-state">
          <InfoIcon className="empty-icon" />
          <h2>No workbooks yet</h2>
          <p>Drop the doctors and appointments workbooks on this window, choose them, or try the sample data.</p>
          <button type="button" className="btn btn-primary" onClick={onImport}>
            Go to Import
          </button>
        </div>
      ) : preview.status === 'running' ? (
        <ProgressPanel slots={slots} progress={flow.progress} cancelling={preview.cancelling} onCancel={flow.cancel} />
      ) : preview.status === 'cancelled' ? (
        <div className="notice notice-info" role="status" data-testid="preview-cancelled">
          <InfoIcon />
          <div>
            <p className="notice-title">Cancelled</p>
            <p>The preview was stopped. Nothing was written.</p>
            <button type="button" className="btn btn-small" onClick={flow.rerun}>
              Run the preview again
            </button>
          </div>
        </div>
      ) : preview.status === 'failed' ? (
        <div className="notice notice-error" role="alert" data-testid="preview-error" data-code={preview.error.code}>
          <ErrorIcon />
          <div>
            <p className="notice-title">The preview could not be made</p>
            <p>{preview.error.message}</p>
            {preview.error.code === 'date_order_conflict' ? <p>Choose “Month first (mdy)” or “Day first (dmy)” above to read the dates in one order.</p> : null}
            <div className="button-row">
              <button type="button" className="btn btn-small" onClick={flow.rerun}>
                Try again
              </button>
              <button type="button" className="btn btn-small btn-quiet" onClick={onImport}>
                Choose other files
              </button>
            </div>
          </div>
        </div>
      ) : summary ? (
        <>
          <Summary summary={summary} />
          <Details summary={summary} />
        </>
      ) : (
        <div className="empty-state">
          <p>The preview starts when both workbooks are in place.</p>
          <button type="button" className="btn btn-primary" onClick={flow.rerun}>
            Run the preview
          </button>
        </div>
      )}
    </section>
  );
}

interface ExportState {
  busy: boolean;
  result: ExportResult | null;
  error: string | null;
}

/** "Export rejected rows…": a save dialog in main, then where the workbook went (nothing if cancelled). */
function useExport(previewId: string | null) {
  const [state, setState] = useState<ExportState>({ busy: false, result: null, error: null });
  const [forPreview, setForPreview] = useState<string | null>(null);
  async function run() {
    if (!previewId) return;
    setForPreview(previewId);
    setState({ busy: true, result: null, error: null });
    try {
      setState({ busy: false, result: await call('rejected/export', { previewId }), error: null });
    } catch (reason) {
      setState({ busy: false, result: null, error: toErrorData(reason).message });
    }
  }
  // A result belongs to the preview it was made from.
  return { ...(forPreview === previewId ? state : { busy: false, result: null, error: null }), run };
}

function ExportResultView({ state }: { state: ExportState }) {
  return (
    <div className="export-result" aria-live="polite" data-testid="export-result">
      {state.result?.path ? (
        <p className="notice notice-ok">
          <CheckIcon />
          <span>
            Saved {plural(state.result.rows, 'rejected row')} to <span className="mono break">{state.result.path}</span>
          </span>
        </p>
      ) : null}
      {state.error ? (
        <p className="notice notice-error" role="alert">
          <ErrorIcon />
          <span>{state.error}</span>
        </p>
      ) : null}
    </div>
  );
}
