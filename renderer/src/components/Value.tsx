/**
 * Untrusted cell text (from a workbook): always rendered as React text, never as HTML, with
 * leading/trailing spaces kept visible and an empty value shown as such.
 */
export function Value({ text }: { text: string }) {
  if (text === '') return <span className="val val-empty">(empty)</span>;
  return <span className="val">{text}</span>;
}

/** A row's raw values as typed, column by column. */
export function RawValues({ raw }: { raw: Record<string, string> }) {
  return (
    <span className="raw">
      {Object.entries(raw).map(([column, value]) => (
        <span key={column} className="raw-pair">
          <span className="raw-key">{column}</span> {value === '' ? <span className="val-empty">(empty)</span> : <span className="raw-value">{value}</span>}
        </span>
      ))}
    </span>
  );
}

export function rawText(raw: Record<string, string>): string {
  return Object.entries(raw)
    .map(([column, value]) => `${column}: ${value === '' ? '(empty)' : value}`)
    .join('; ');
}
