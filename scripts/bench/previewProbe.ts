/**
 * The app's preview lists on the prepared run, asked the way the app's main process serves them:
 * each action's wall time and the longest the event loop went without a turn meanwhile (the
 * main process carries every IPC call and window event; the goal is never more than 50 ms).
 */
import { PreviewRowsIndex, type RowsFilter } from '../../electron/app/previewRows';
import type { PreparedRun } from '../../electron/etl/prepareRun';
import { encodePreviewLists, PreviewLists } from '../../electron/etl/previewLists';
import type { PreviewTable } from '../../shared/contract';
import { nowMs } from './memory';

export interface PreviewAction {
  name: string;
  ms: number;
  /** Longest gap between two turns of the event loop while the action ran. */
  longestStallMs: number;
  total: number;
}

/** What an analyst does first: open the long lists, type a search letter by letter, page deep. */
const ACTIONS: { name: string; table: PreviewTable; filter: RowsFilter; offset?: number }[] = [
  { name: 'open fixes', table: 'fixes', filter: {} },
  { name: 'fixes "2"', table: 'fixes', filter: { text: '2' } },
  { name: 'fixes "20"', table: 'fixes', filter: { text: '20' } },
  { name: 'fixes "202"', table: 'fixes', filter: { text: '202' } },
  { name: 'fixes "/20"', table: 'fixes', filter: { text: '/20' } },
  { name: 'fixes date_text', table: 'fixes', filter: { rule: 'date_text' } },
  { name: 'fixes date_text deep page', table: 'fixes', filter: { rule: 'date_text' }, offset: 200_000 },
  { name: 'open rejected', table: 'rejected', filter: {} },
  { name: 'rejected "date"', table: 'rejected', filter: { text: 'date' } },
  { name: 'duplicates', table: 'duplicates', filter: {} },
];

export async function probePreview(prepared: PreparedRun): Promise<PreviewAction[]> {
  const index = new PreviewRowsIndex(new PreviewLists(encodePreviewLists(prepared.report)), prepared.report.placeholders, prepared.fixes);
  const actions: PreviewAction[] = [];
  for (const action of ACTIONS) {
    const stalls = watchStalls();
    const start = nowMs();
    const page = await index.page(action.table, action.offset ?? 0, 100, action.filter);
    const ms = nowMs() - start;
    actions.push({ name: action.name, ms: Math.round(ms), longestStallMs: Math.round(stalls.stop()), total: page.total });
  }
  return actions;
}

/** Records the longest time between turns of the event loop until stopped. */
function watchStalls(): { stop: () => number } {
  let running = true;
  let last = nowMs();
  let longest = 0;
  const turn = () => {
    const t = nowMs();
    longest = Math.max(longest, t - last);
    last = t;
    if (running) setImmediate(turn);
  };
  setImmediate(turn);
  return {
    stop: () => {
      running = false;
      return Math.max(longest, nowMs() - last);
    },
  };
}
