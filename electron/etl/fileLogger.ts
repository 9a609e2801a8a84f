/**
 * A log of timestamped lines with a level and key=value counts, appended to a file and echoed to
 * a console sink: the CLI's logs/pipeline.log (echoed to stderr, so `--json` keeps stdout for the
 * report) and the app's logs/app.log. Lines hold counts, row numbers and timings; never cell
 * values or passwords.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { LogFields, LogLevel, Logger } from './logger';

export class FileLogger implements Logger {
  private fileOk = true;

  constructor(
    private readonly logFile: string,
    private readonly console: (line: string) => void,
    private readonly consoleLevel: LogLevel = 'info',
    /** The packaged app writes info and above only (no per-request IPC lines). */
    private readonly fileLevel: LogLevel = 'debug',
  ) {
    try {
      mkdirSync(path.dirname(logFile), { recursive: true });
    } catch {
      this.fileOk = false;
    }
  }

  log(level: LogLevel, message: string, fields?: LogFields): void {
    const line = formatLine(new Date(), level, message, fields);
    if (RANK[level] >= RANK[this.consoleLevel]) this.console(line);
    if (!this.fileOk || RANK[level] < RANK[this.fileLevel]) return;
    try {
      appendFileSync(this.logFile, `${line}\n`);
    } catch {
      this.fileOk = false;
      this.console(formatLine(new Date(), 'warn', `cannot write the log file ${this.logFile}; logging to the console only`));
    }
  }
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function formatLine(at: Date, level: LogLevel, message: string, fields?: LogFields): string {
  const extras = fields
    ? Object.entries(fields)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => `${key}=${typeof value === 'string' && /\s/.test(value) ? JSON.stringify(value) : String(value)}`)
        .join(' ')
    : '';
  return `${at.toISOString()} ${level.toUpperCase().padEnd(5)} ${message}${extras ? ` ${extras}` : ''}`;
}
