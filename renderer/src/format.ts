/**
 * Numbers, sizes, times and the words for the pipeline's codes. Booking dates are never parsed
 * here: they stay the YYYY-MM-DD strings the backend gives, so no time zone can shift them.
 */
import type { DateOrderDecision, DateOrderOption, FileKind, FixRule, SuspiciousPolicy, SuspiciousReason } from '../../shared/domain';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : integer.format(value);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${integer.format(bytes)} B`;
  if (bytes < 1024 * 1024) return `${decimal.format(bytes / 1024)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${decimal.format(bytes / (1024 * 1024))} MB`;
  return `${decimal.format(bytes / (1024 * 1024 * 1024))} GB`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${integer.format(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${decimal.format(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - minutes * 60);
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

const timestamp = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A timestamp (ISO with zone) in the person's local time. Not for booking dates. */
export function formatTimestamp(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : timestamp.format(date);
}

const dayOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** A timestamp's local day and local time apart, for narrow table cells. */
export function splitTimestamp(iso: string): { day: string; time: string } | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : { day: dayOnly.format(date), time: timeOnly.format(date) };
}

export function durationBetween(startIso: string, endIso: string | null): number | null {
  if (!endIso) return null;
  const ms = new Date(endIso).getTime() - new Date(startIso).getTime();
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

/** The last part of a path, for people (Windows or POSIX separators). */
export function baseName(filePath: string): string {
  const parts = filePath.split(/[\\/]/);
  return parts[parts.length - 1] || filePath;
}

export const FILE_LABEL: Record<FileKind, string> = { doctors: 'Doctors', appointments: 'Appointments' };

export { REASON_LABEL } from '../../shared/reasonWords';

export const RULE_LABEL: Record<FixRule, string> = {
  integer_text: 'Number typed as text',
  date_text: 'Date typed as text',
  status_standardised: 'Status standardised',
  text_trimmed: 'Spaces trimmed',
  specialty_empty: 'Empty specialty stored as NULL',
};

export const RULE_DESCRIPTION: Record<FixRule, string> = {
  integer_text: 'Ids typed as text (for example “104.0” or “ 104 ”) read as whole numbers.',
  date_text: 'Dates typed as text read in the column’s date order and written as YYYY-MM-DD.',
  status_standardised: 'Statuses lower-cased, punctuation dropped, spellings merged into confirmed or cancelled.',
  text_trimmed: 'Spaces before and after names and specialties removed.',
  specialty_empty: 'A blank specialty becomes empty (NULL) in the database.',
};

export const DATE_ORDER_LABEL: Record<DateOrderOption, string> = {
  auto: 'Auto (decide from the dates)',
  mdy: 'Month first (mdy)',
  dmy: 'Day first (dmy)',
};

export const USED_ORDER_LABEL: Record<'mdy' | 'dmy', string> = {
  mdy: 'Month first (MM/DD/YYYY)',
  dmy: 'Day first (DD/MM/YYYY)',
};

export const BASIS_LABEL: Record<DateOrderDecision['basis'], string> = {
  requested: 'You chose this order.',
  day_first_evidence: 'Some dates have a first part above 12, which only day-first can read.',
  month_first_evidence: 'Some dates have a second part above 12, which only month-first can read.',
  no_evidence: 'No date proved either order, so month-first was used, like the source files.',
};

export const POLICY_LABEL: Record<SuspiciousPolicy, string> = {
  warn: 'Keep with a warning',
  quarantine: 'Quarantine (reject)',
};

export const SUSPICIOUS_LABEL: Record<SuspiciousReason, string> = {
  before_2000: 'Before 2000',
  far_future: 'More than a year ahead',
};
