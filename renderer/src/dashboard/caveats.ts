/**
 * What to keep in mind when reading a chart, computed for the current filter: placeholder doctors
 * and suspicious dates *in view*, the bookings the filter leaves out, the rows the load rejected
 * and the run shown. The same notes go under every chart and into exported pictures.
 */
import type { DashboardContext, Kpis } from '../../../shared/contract';
import { formatCount, plural } from '../format';
import { formatDay } from './dates';

const minutes = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A run's time to the minute, in the person's local time. */
export function shortTimestamp(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : minutes.format(date);
}

/**
 * `kpis`: the figures of the filter shown; `all`: the same over every loaded booking (the same
 * object when nothing is filtered). Either may still be computing (null): its notes wait.
 */
export function caveatNotes(context: DashboardContext, kpis: Kpis | null, all: Kpis | null): string[] {
  const { caveats, run } = context;
  const notes: string[] = [];
  if (kpis && all && all.appointments !== kpis.appointments) {
    notes.push(`This filter shows ${formatCount(kpis.appointments)} of ${plural(all.appointments, 'booking')} (${formatCount(all.appointments - kpis.appointments)} left out)`);
  }
  if (kpis) {
    notes.push(
      kpis.placeholderDoctors > 0
        ? `${plural(kpis.placeholderDoctors, 'placeholder doctor')} in view (${plural(kpis.placeholderBookings, 'booking')})`
        : 'No placeholder doctors in view',
    );
  }
  if (caveats.suspiciousPolicy === 'quarantine') {
    notes.push(caveats.suspiciousDates > 0 ? `${plural(caveats.suspiciousDates, 'suspicious date')} quarantined in the load (not loaded)` : 'No suspicious dates in the load');
  } else if (kpis) {
    const bounds = `before ${formatDay(caveats.suspiciousBefore)}${caveats.suspiciousAfter ? ` or after ${formatDay(caveats.suspiciousAfter)}` : ''}`;
    notes.push(kpis.suspiciousBookings > 0 ? `${plural(kpis.suspiciousBookings, 'booking')} with a suspicious date in view (${bounds})` : 'No suspicious dates in view');
  }
  notes.push(caveats.rejected > 0 ? `${plural(caveats.rejected, 'row')} rejected in the load` : 'No rows rejected in the load');
  if (run) notes.push(`Run ${run.runId}, ${shortTimestamp(run.finishedAt)}`);
  return notes;
}
