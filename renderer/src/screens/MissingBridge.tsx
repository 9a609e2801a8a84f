/** Shown instead of the app when the page runs without its bridge (opened outside the app, or a broken preload). */
import { useEffect } from 'react';
import { ErrorIcon } from '../components/Icons';

export function MissingBridge() {
  useEffect(() => {
    document.body.dataset.appError = 'no-bridge';
  }, []);
  return (
    <main className="fatal" aria-labelledby="fatal-title">
      <div className="fatal-card" role="alert">
        <ErrorIcon className="fatal-icon" />
        <h1 id="fatal-title">HealthTech ETL cannot start</h1>
        <p>This window has no connection to the app’s background process, so it cannot read workbooks or reach the database.</p>
        <p>Close the window and start HealthTech ETL again. If this keeps happening, reinstall the app; the page must be opened by the app itself, not in a web browser.</p>
      </div>
    </main>
  );
}
