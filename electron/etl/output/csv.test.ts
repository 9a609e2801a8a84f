import { describe, expect, it } from 'vitest';
import { csvField, type SpreadsheetValue } from '../../../shared/spreadsheetText';
import { HOSTILE } from '../../../test/support/hostileText';
import { ByteWriter } from './byteWriter';
import { writeCsvField } from './csv';

describe('writeCsvField', () => {
  // The bytes csvField's string became through Buffer.write (a lone surrogate as U+FFFD) are the oracle.
  it('writes what csvField wrote, for hostile text, formula-looking text, numbers and the rest', () => {
    const values: SpreadsheetValue[] = [
      ...HOSTILE,
      ...HOSTILE.map((text) => `=${text}`),
      ...HOSTILE.map((text) => `-${text}`),
      '+3.5',
      '-1e3',
      '.5',
      '-',
      '\r',
      '\0',
      "'already",
      0,
      -0,
      7,
      -7,
      2.5,
      1e21,
      Number.MAX_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER + 2,
      Number.NaN,
      Infinity,
      true,
      false,
      null,
      undefined,
    ];
    for (const value of values) {
      const out = new ByteWriter(16);
      writeCsvField(out, value);
      expect(Buffer.from(out.take()).toString('latin1'), JSON.stringify(value)).toBe(Buffer.from(csvField(value), 'utf8').toString('latin1'));
    }
  });
});
