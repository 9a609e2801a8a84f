/**
 * Errors as data, for crossing a worker or IPC boundary: the envelope keeps the kind, the stable
 * code, the message people read and the detail; the other side rebuilds the typed error.
 */
import type { ErrorData } from '../../shared/contract';
import { CancelledError, DatabaseError, EtlError, ExportError, InputFileError, InternalError, UsageError } from './errors';

export type { ErrorData };

export function toErrorData(error: unknown): ErrorData {
  if (error instanceof EtlError) {
    return {
      kind: error.kind,
      code: error.code,
      message: error.message,
      detail: plain(error.detail),
      ...(error instanceof InputFileError ? { location: { ...error.location } } : {}),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'internal', code: 'internal', message: `Unexpected error: ${message}`, detail: {} };
}

export function fromErrorData(data: ErrorData): EtlError {
  switch (data.kind) {
    case 'usage':
      return new UsageError(data.code, data.message, data.detail);
    case 'input':
      return new InputFileError(data.code, data.message, data.location ?? { file: String(data.detail.file ?? '') }, data.detail);
    case 'database':
      return new DatabaseError(data.code, data.message, data.detail as Record<string, unknown> & { sqlstate?: string });
    case 'export':
      return new ExportError(data.code, data.message, data.detail);
    case 'cancelled':
      return new CancelledError(data.message);
    default:
      return new InternalError(data.code, data.message, data.detail);
  }
}

/** Detail values that survive structured cloning and JSON (no functions, no class instances). */
function plain(detail: Record<string, unknown>): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(detail)) as Record<string, unknown>;
  } catch {
    return {};
  }
}
