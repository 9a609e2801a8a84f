/**
 * DuckDB as the independent engine that reads the exported Parquet dataset back (it never wrote
 * it): in memory, one connection, rows as JSON-friendly objects.
 */
import { DuckDBInstance } from '@duckdb/node-api';

export interface DuckDb {
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): void;
}

export async function openDuckDb(): Promise<DuckDb> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  return {
    async query<T>(sql: string): Promise<T[]> {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJson() as T[];
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** A path inside a SQL string literal. */
export function sqlPath(file: string): string {
  return `'${file.replace(/'/g, "''")}'`;
}
