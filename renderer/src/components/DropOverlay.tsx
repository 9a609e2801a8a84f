/** Covers the window while files are dragged over it: drop anywhere. */
import { UploadIcon } from './Icons';

export function DropOverlay() {
  return (
    <div className="drop-overlay" aria-hidden="true">
      <div className="drop-overlay-card">
        <UploadIcon className="drop-overlay-icon" />
        <p className="drop-overlay-title">Drop the workbooks anywhere</p>
        <p>Doctors and appointments, in either order.</p>
      </div>
    </div>
  );
}
