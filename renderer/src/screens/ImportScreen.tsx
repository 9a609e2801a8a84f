/**
 * Import: drop both workbooks (anywhere on the window, either order), choose them with the
 * dialog, or try the bundled samples. Each file lands in its slot by its header row; a file that
 * cannot be used says why. When both slots are filled the preview starts by itself.
 */
import type { IdentifiedFile } from '../../../shared/contract';
import type { FileKind } from '../../../shared/domain';
import { ArrowRightIcon, CheckIcon, ErrorIcon, FileIcon, SpinnerIcon, UploadIcon } from '../components/Icons';
import { FileNotes } from '../components/FileNotes';
import { OptionsFields } from '../components/OptionsFields';
import { FILE_LABEL, formatBytes } from '../format';
import type { ImportFlow } from '../state/useImportFlow';

const EXPECTED: Record<FileKind, string[]> = {
  doctors: ['doctor_id', 'name', 'specialty'],
  appointments: ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status'],
};

const IDENTIFYING: Record<NonNullable<ImportFlow['identifying']>, string> = {
  drop: 'Reading the dropped files’ headers…',
  pick: 'Waiting for the file dialog…',
  samples: 'Opening the sample workbooks…',
};

interface Props {
  flow: ImportFlow;
  onShowPreview: () => void;
}

export function ImportScreen({ flow, onShowPreview }: Props) {
  const { slots, problems, identifying, identifyError, options, preview } = flow;
  const busy = identifying !== null;

  return (
    <section className="screen" aria-labelledby="import-title">
      <div className="screen-head">
        <div>
          <h1 id="import-title" tabIndex={-1}>
            Import workbooks
          </h1>
          <p className="lead">Bring in the doctors and appointments workbooks. Nothing is written to the database until you confirm a load.</p>
        </div>
        {preview.status === 'done' || preview.status === 'running' ? (
          <button type="button" className="btn" onClick={onShowPreview}>
            {preview.status === 'running' ? 'Show progress' : 'View preview'}
            <ArrowRightIcon />
          </button>
        ) : null}
      </div>

      <div className="dropzone" data-testid="dropzone">
        <UploadIcon className="dropzone-icon" />
        <h2 className="dropzone-title">Drop both workbooks anywhere in this window</h2>
        <p className="dropzone-text">In either order: each file is recognised by its header row. Excel workbooks (.xlsx).</p>
        <div className="button-row center">
          <button type="button" className="btn btn-primary" onClick={() => void flow.pick()} disabled={busy}>
            Choose files…
          </button>
          <button type="button" className="btn" onClick={() => void flow.samples()} disabled={busy}>
            Try the sample data
          </button>
        </div>
        <p className="dropzone-status" role="status" aria-live="polite">
          {identifying ? (
            <>
              <SpinnerIcon /> {IDENTIFYING[identifying]}
            </>
          ) : null}
        </p>
      </div>

      {identifyError || problems.length > 0 ? (
        <div className="notice notice-error" role="alert" data-testid="file-problems">
          <ErrorIcon />
          <div>
            {identifyError ? <p>{identifyError.message}</p> : null}
            {problems.length > 0 ? (
              <ul className="plain-list">
                {problems.map((file, i) => (
                  <li key={`${file.path}-${i}`}>{file.problem?.message ?? `${file.name} is neither a doctors nor an appointments workbook.`}</li>
                ))}
              </ul>
            ) : null}
          </div>
        </div>
      ) : null}

      <FileNotes notes={flow.notes} />

      <div className="slots">
        {(['doctors', 'appointments'] as const).map((kind) => (
          <FileSlot key={kind} kind={kind} file={slots[kind]} onRemove={() => flow.removeFile(kind)} />
        ))}
      </div>

      <section className="panel" aria-labelledby="import-options-title">
        <h2 id="import-options-title" className="panel-title">
          Cleaning options
        </h2>
        <OptionsFields idBase="import" options={options} onChange={flow.setOptions} />
      </section>
    </section>
  );
}

function FileSlot({ kind, file, onRemove }: { kind: FileKind; file: IdentifiedFile | null; onRemove: () => void }) {
  const titleId = `slot-${kind}-title`;
  return (
    <section className={`slot ${file ? 'slot-filled' : ''}`} aria-labelledby={titleId} data-testid={`slot-${kind}`}>
      <div className="slot-head">
        <h2 id={titleId} className="slot-title">
          {FILE_LABEL[kind]}
        </h2>
        {file ? (
          <span className="badge badge-ok">
            <CheckIcon /> Recognised
          </span>
        ) : (
          <span className="badge">Not chosen yet</span>
        )}
      </div>
      {file ? (
        <>
          <p className="slot-file">
            <FileIcon />
            <span className="slot-file-name" data-testid={`slot-${kind}-name`} title={file.name}>
              {file.name}
            </span>
          </p>
          <dl className="facts">
            <div>
              <dt>Sheet</dt>
              <dd>{file.sheet ?? '—'}</dd>
            </div>
            <div>
              <dt>Size</dt>
              <dd>{formatBytes(file.sizeBytes)}</dd>
            </div>
            <div>
              <dt>Header row</dt>
              <dd>{file.headerRow ?? '—'}</dd>
            </div>
          </dl>
          <p className="facts-label">Columns found</p>
          <ul className="chips" aria-label={`Columns found in ${file.name}`}>
            {file.columns.map((column, i) => (
              <li key={`${column}-${i}`} className={`chip ${EXPECTED[kind].includes(normalise(column)) ? '' : 'chip-extra'}`}>
                {column}
              </li>
            ))}
          </ul>
          <button type="button" className="btn btn-small btn-quiet" onClick={onRemove}>
            Remove {FILE_LABEL[kind].toLowerCase()} file
          </button>
        </>
      ) : (
        <p className="muted">
          Expects the columns <span className="mono">{EXPECTED[kind].join(', ')}</span>.
        </p>
      )}
    </section>
  );
}

/** Rule 1 of the spec, for highlighting only: trim, lowercase, spaces and hyphens to `_`. */
function normalise(column: string): string {
  return column.trim().toLowerCase().replace(/[\s-]+/g, '_');
}
