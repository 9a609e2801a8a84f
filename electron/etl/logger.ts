/**
 * The pipeline reports what it does through this interface so the CLI (console + file), the
 * Electron main process and tests can each decide where lines go. Fields carry counts, row numbers
 * and timings, never patient values or passwords.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  log(level: LogLevel, message: string, fields?: LogFields): void;
}

export const silentLogger: Logger = { log: () => undefined };

/** Collects lines in memory; handy in tests that assert on what was logged. */
export class MemoryLogger implements Logger {
  readonly lines: { level: LogLevel; message: string; fields?: LogFields }[] = [];
  log(level: LogLevel, message: string, fields?: LogFields): void {
    this.lines.push({ level, message, ...(fields ? { fields } : {}) });
  }
}
