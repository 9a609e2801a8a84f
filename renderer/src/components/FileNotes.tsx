/**
 * Every file of the last drop or pick, acknowledged: the slot it went to (and the file it
 * replaced), or that it was set aside because another file of the same kind was used. Files that
 * cannot be used are listed with their reason by the screen's problems notice.
 */
import { FILE_LABEL } from '../format';
import type { FileNote } from '../state/useImportFlow';
import { CheckIcon, WarningIcon } from './Icons';

export function noteText(note: FileNote): string {
  const kind = note.kind ? FILE_LABEL[note.kind].toLowerCase() : '';
  if (note.outcome === 'set_aside') return `${note.name}: also a ${kind} workbook, set aside: ${note.other ?? 'the other one'} is used. Drop it on its own to use it instead.`;
  const sheet = note.sheet ? `, sheet “${note.sheet}”` : '';
  return `${note.name}: the ${kind} workbook${sheet}${note.other ? `; replaces ${note.other}` : ''}.`;
}

/** `onlyWarnings`: just the files set aside (for screens the person moved on to). */
export function FileNotes({ notes, onlyWarnings = false }: { notes: readonly FileNote[]; onlyWarnings?: boolean }) {
  const shown = notes.filter((note) => note.outcome !== 'unusable' && (!onlyWarnings || note.outcome === 'set_aside'));
  if (shown.length === 0) return null;
  const warn = shown.some((note) => note.outcome === 'set_aside');
  return (
    <div className={`notice ${warn ? 'notice-warn' : 'notice-ok'} file-notes`} role="status" data-testid="file-notes">
      <ul className="plain-list">
        {shown.map((note, i) => (
          <li key={`${note.path}-${i}`} data-outcome={note.outcome}>
            {note.outcome === 'set_aside' ? <WarningIcon className="tone-warn" /> : <CheckIcon className="tone-ok" />} {noteText(note)}
          </li>
        ))}
      </ul>
    </div>
  );
}
