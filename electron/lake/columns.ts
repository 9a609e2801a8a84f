/**
 * The columns of each exported table, derived from the PostgreSQL catalog so the Parquet files,
 * the Athena DDL and the Redshift tables always follow the schema the load created (columns
 * another change adds are exported too, in table order). Each column says how to SELECT it so
 * COPY's text output is cheap to decode, its Parquet schema, and its types in Athena and Redshift.
 */
import type { SchemaElement } from 'hyparquet-writer';
import { quoteIdent } from '../db/identifiers';

export type LakeTable = 'doctors' | 'appointments' | 'rejected_rows' | 'etl_runs';
export const LAKE_TABLES: readonly LakeTable[] = ['doctors', 'appointments', 'rejected_rows', 'etl_runs'];

/** Physical order of rows: stable across exports of the same run (deterministic files). */
export const TABLE_ORDER: Record<LakeTable, string> = {
  doctors: 'doctor_id',
  appointments: 'booking_date, booking_id',
  rejected_rows: 'file, excel_row',
  etl_runs: 'run_id',
};

/** Columns that only mean something inside one database session (the load's backend pid). */
const INTERNAL_COLUMNS: Partial<Record<LakeTable, readonly string[]>> = { etl_runs: ['backend_pid'] };

export type ColumnKind = 'int64' | 'int32' | 'boolean' | 'date' | 'timestamptz' | 'text' | 'json' | 'text_map' | 'problems';

export interface CatalogColumn {
  name: string;
  /** format_type() of the column, e.g. `bigint`, `timestamp with time zone`. */
  type: string;
  notNull: boolean;
}

export interface LakeColumn {
  name: string;
  kind: ColumnKind;
  required: boolean;
  /** The PostgreSQL type, for the Redshift DDL. */
  pgType: string;
  /** SELECT expression whose COPY text the decoder reads. */
  select: string;
}

/**
 * The rejected rows' problems: one entry per problem a row has, the first being its reason. Until
 * the table keeps the full list (a `problems` JSONB column), the list holds the reason alone.
 */
export interface Problem {
  reason: string;
  column_name: string | null;
  message: string;
}

export function lakeColumns(table: LakeTable, catalog: readonly CatalogColumn[]): LakeColumn[] {
  const skip = new Set(INTERNAL_COLUMNS[table] ?? []);
  const columns = catalog.filter((c) => !skip.has(c.name)).map((c) => toLakeColumn(table, c));
  if (table === 'rejected_rows' && !catalog.some((c) => c.name === 'problems')) {
    columns.push({
      name: 'problems',
      kind: 'problems',
      required: true,
      pgType: 'jsonb',
      select: `json_build_array(json_build_object('reason', reason, 'column', column_name, 'message', message))::text`,
    });
  }
  return columns;
}

function toLakeColumn(table: LakeTable, column: CatalogColumn): LakeColumn {
  const name = quoteIdent(column.name);
  const base = { name: column.name, required: column.notNull, pgType: column.type };
  switch (column.type) {
    case 'bigint':
      return { ...base, kind: 'int64', select: name };
    case 'integer':
    case 'smallint':
      return { ...base, kind: 'int32', select: name };
    case 'boolean':
      return { ...base, kind: 'boolean', select: name };
    case 'date':
      // Days since 1970-01-01 as an integer: exactly Parquet's DATE, no text date to parse.
      return { ...base, kind: 'date', select: `(${name} - DATE '1970-01-01')` };
    case 'timestamp with time zone':
      return { ...base, kind: 'timestamptz', select: `(EXTRACT(EPOCH FROM ${name}) * 1000000)::bigint` };
    case 'jsonb':
    case 'json':
      if (table === 'rejected_rows' && column.name === 'raw') return { ...base, kind: 'text_map', select: `${name}::text` };
      if (table === 'rejected_rows' && column.name === 'problems') return { ...base, kind: 'problems', select: `${name}::text` };
      return { ...base, kind: 'json', select: `${name}::text` };
    default:
      // text, varchar and anything unforeseen: its text form, never lost.
      return { ...base, kind: 'text', select: `${name}::text` };
  }
}

const UTF8 = { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } } as const;

/** The Parquet schema elements of one column (nested types take several). */
export function parquetElements(column: LakeColumn): SchemaElement[] {
  const repetition_type = column.required ? 'REQUIRED' : 'OPTIONAL';
  const name = column.name;
  switch (column.kind) {
    case 'int64':
      return [{ name, type: 'INT64', repetition_type }];
    case 'int32':
      return [{ name, type: 'INT32', repetition_type }];
    case 'boolean':
      return [{ name, type: 'BOOLEAN', repetition_type }];
    case 'date':
      return [{ name, type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' }, repetition_type }];
    case 'timestamptz':
      return [{ name, type: 'INT64', converted_type: 'TIMESTAMP_MICROS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' }, repetition_type }];
    case 'text':
      return [{ name, ...UTF8, repetition_type }];
    case 'json':
      return [{ name, type: 'BYTE_ARRAY', converted_type: 'JSON', logical_type: { type: 'JSON' }, repetition_type }];
    case 'text_map':
      // The row's cells as typed, by column name: map<string, string> in Athena and DuckDB.
      return [
        { name, converted_type: 'MAP', logical_type: { type: 'MAP' }, repetition_type, num_children: 1 },
        { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
        { name: 'key', ...UTF8, repetition_type: 'REQUIRED' },
        { name: 'value', ...UTF8, repetition_type: 'OPTIONAL' },
      ];
    case 'problems':
      // A standard three-level LIST of structs: array<struct<reason, column_name, message>>.
      return [
        { name, converted_type: 'LIST', logical_type: { type: 'LIST' }, repetition_type, num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', repetition_type: 'REQUIRED', num_children: 3 },
        { name: 'reason', ...UTF8, repetition_type: 'REQUIRED' },
        { name: 'column_name', ...UTF8, repetition_type: 'OPTIONAL' },
        { name: 'message', ...UTF8, repetition_type: 'REQUIRED' },
      ];
  }
}

export function parquetSchema(columns: readonly LakeColumn[]): SchemaElement[] {
  return [{ name: 'schema', num_children: columns.length }, ...columns.flatMap(parquetElements)];
}

/** Hive/Athena DDL type. */
export function athenaType(column: LakeColumn): string {
  switch (column.kind) {
    case 'int64':
      return 'BIGINT';
    case 'int32':
      return 'INT';
    case 'boolean':
      return 'BOOLEAN';
    case 'date':
      return 'DATE';
    case 'timestamptz':
      return 'TIMESTAMP';
    case 'text':
    case 'json':
      return 'STRING';
    case 'text_map':
      return 'MAP<STRING,STRING>';
    case 'problems':
      return 'ARRAY<STRUCT<reason:STRING,column_name:STRING,message:STRING>>';
  }
}

/** Redshift type matching the PostgreSQL column (TEXT becomes the widest VARCHAR, JSONB SUPER). */
export function redshiftType(column: LakeColumn): string {
  switch (column.kind) {
    case 'int64':
      return 'BIGINT';
    case 'int32':
      return column.pgType === 'smallint' ? 'SMALLINT' : 'INTEGER';
    case 'boolean':
      return 'BOOLEAN';
    case 'date':
      return 'DATE';
    case 'timestamptz':
      return 'TIMESTAMPTZ';
    case 'text':
      return 'VARCHAR(65535)';
    case 'json':
    case 'text_map':
    case 'problems':
      return 'SUPER';
  }
}

/** Decodes one COPY text field (already unescaped; null for \N) into the value the writer takes. */
export function decodeField(kind: ColumnKind, text: string | null): unknown {
  if (text === null) return null;
  switch (kind) {
    case 'int64':
    case 'timestamptz': {
      // Through a Number when it is exact: several times faster than parsing the text as a BigInt.
      const number = Number(text);
      return Number.isSafeInteger(number) ? BigInt(number) : BigInt(text);
    }
    case 'int32':
    case 'date':
      return Number(text);
    case 'boolean':
      return text === 't';
    case 'text':
      return text;
    case 'json':
      return JSON.parse(text) as unknown;
    case 'text_map': {
      const parsed = JSON.parse(text) as unknown;
      // Keys as stored; values as text (the raw cells are text already).
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return [];
      return Object.entries(parsed as Record<string, unknown>).map(([key, value]) => ({ key, value: value === null ? null : String(value) }));
    }
    case 'problems': {
      const parsed = JSON.parse(text) as unknown;
      const list = Array.isArray(parsed) ? parsed : [];
      return list.map((entry): Problem => {
        const p = (entry ?? {}) as Record<string, unknown>;
        const column = p.column_name ?? p.column ?? null;
        return { reason: String(p.reason ?? ''), column_name: column === null ? null : String(column), message: String(p.message ?? '') };
      });
    }
  }
}
