/**
 * The last column of the dashboard's tables (the trend's table, the leaderboard): a button per row
 * that lists the row's bookings, under a header only screen readers hear.
 */

/** The column's header: named for screen readers, empty on screen (the icons say what it holds). */
export function DrillHeader() {
  return (
    <th scope="col">
      <span className="visually-hidden">Bookings</span>
    </th>
  );
}

/** A row's "list the bookings" button; `of` names what is listed for screen readers. */
export function DrillCell({ of, title, onClick }: { of: string; title: string; onClick: () => void }) {
  return (
    <td className="dash-row-action">
      <button type="button" className="dash-icon-button" onClick={onClick} aria-label={`List the bookings of ${of}`} title={title}>
        <ListIcon />
      </button>
    </td>
  );
}

/** "List the bookings": a decorative icon in the app's line style (the button carries the name). */
function ListIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d="M9 6h11M9 12h11M9 18h11" />
      <path d="M4.5 6h.01M4.5 12h.01M4.5 18h.01" />
    </svg>
  );
}
