/**
 * The schema name comes from a flag, an environment variable or the settings screen, and ends up
 * in SQL text (identifiers cannot be bound as parameters). It is validated here and always quoted.
 */
import { UsageError } from '../etl/errors';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function validateSchemaName(name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new UsageError(
      'invalid_schema',
      `schema "${name}" is not a valid name: use lowercase letters, digits and _ (not starting with a digit), at most 63 characters.`,
      { setting: 'schema' },
    );
  }
  if (name.startsWith('pg_') || name === 'information_schema') {
    throw new UsageError('invalid_schema', `schema "${name}" is reserved by PostgreSQL; choose another name.`, { setting: 'schema' });
  }
  return name;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
