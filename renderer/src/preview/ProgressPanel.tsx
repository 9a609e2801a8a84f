/**
 * Reading progress per workbook (bytes read of the total, rows so far), from `preview/progress`
 * events, with Cancel. Screen readers hear coarse steps (every 10 %), not every repaint.
 */
import type { FileKind } from '../../../shared/domain';
import { SpinnerIcon } from '../components/Icons';
import { FILE_LABEL, formatBytes, formatCount } from '../format';
import type { ProgressByFile, Slots } from '../state/useImportFlow';

interface Props {
  slots: Slots;
  progress: ProgressByFile;
  cancelling: boolean;
  onCancel: () => void;
}

export function ProgressPanel({ slots, progress, cancelling, onCancel }: Props) {
  const kinds: FileKind[] = ['doctors', 'appointments'];
  let read = 0;
  let total = 0;
  for (const kind of kinds) {
    const event = progress[kind];
    const size = event?.bytesTotal || slots[kind]?.sizeBytes || 0;
    total += size;
    read += event ? (event.phase === 'clean' ? size : Math.min(event.bytesRead, size)) : 0;
  }
  const overall = total > 0 ? Math.min(100, Math.floor((read / total) * 100)) : 0;
  const current = progress.appointments ?? progress.doctors;
  const coarse = Math.floor(overall / 10) * 10;

  return (
    <section className="panel progress-panel" aria-labelledby="progress-title" data-testid="preview-progress">
      <div className="panel-head">
        <h2 id="progress-title" className="panel-title">
          <SpinnerIcon /> {cancelling ? 'Cancelling…' : 'Reading and cleaning the workbooks'}
        </h2>
        <button type="button" className="btn" onClick={onCancel} disabled={cancelling}>
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      <p className="muted">This runs in the background; the window stays responsive. Nothing is written to the database.</p>
      <div className="progress-files">
        {kinds.map((kind) => {
          const event = progress[kind];
          const size = event?.bytesTotal || slots[kind]?.sizeBytes || 0;
          const done = event?.phase === 'clean';
          const bytes = event ? Math.min(event.bytesRead, size) : 0;
          const labelId = `progress-${kind}-label`;
          return (
            <div key={kind} className="progress-file">
              <div className="progress-line">
                <span id={labelId} className="progress-name">
                  {FILE_LABEL[kind]} <span className="muted">{slots[kind]?.name}</span>
                </span>
                <span className="progress-figures num" data-testid={`progress-${kind}`}>
                  {!event ? 'Waiting' : done ? `Read · cleaning ${formatCount(event.rows)} rows` : `${formatBytes(bytes)} of ${formatBytes(size)} · ${formatCount(event.rows)} rows`}
                </span>
              </div>
              <progress aria-labelledby={labelId} max={size || 1} value={done ? size || 1 : bytes} />
            </div>
          );
        })}
      </div>
      <p className="visually-hidden" aria-live="polite">
        {current ? `${coarse}% read` : ''}
      </p>
    </section>
  );
}
