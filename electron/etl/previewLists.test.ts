import { describe, expect, it } from 'vitest';
import { decodeRejected, encodePreviewLists, needleBytes, PreviewLists, previewListsTransferables, rejectedSearchText, TextColumn } from './previewLists';
import type { RejectedRow, SuspiciousDate } from './types';

const texts = ['', 'plain', 'Dr. Ídris ÖZ', 'σίγμα ΣΊΓΜΑ', 'emoji 🩺 here', 'nul\u0000inside', 'ab', 'ba'];

const rejected: RejectedRow[] = [
  {
    file: 'appointments',
    row: 12,
    reason: 'invalid_date',
    column: 'booking_date',
    message: 'booking_date "02/30/2025" is not a real date',
    problems: [{ column: 'booking_date', reason: 'invalid_date', message: 'booking_date "02/30/2025" is not a real date' }],
    raw: { booking_id: 'B-ÖZ 🩺', booking_date: '02/30/2025', status: 'Maybe' },
  },
  {
    file: 'doctors',
    row: 3,
    reason: 'missing_value',
    message: 'doctor_id is empty',
    problems: [
      { column: 'doctor_id', reason: 'missing_value', message: 'doctor_id is empty' },
      { column: 'name', reason: 'missing_value', message: 'name is empty' },
    ],
    raw: { doctor_id: '', name: 'nul\u0000here' },
  },
  { file: 'appointments', row: 40, reason: 'duplicate', message: 'booking B1 repeats row 7', problems: [], keptRow: 7, raw: { booking_id: 'B1' } },
] as RejectedRow[];

const suspicious: SuspiciousDate[] = [
  { row: 5, bookingId: 'B5', date: '1911-01-01', reason: 'far_past', quarantined: false },
  { row: 9, bookingId: 'Bσ', date: '2999-12-31', reason: 'far_future', quarantined: true },
] as SuspiciousDate[];

describe('TextColumn', () => {
  it('gives back every string as it was, Unicode and NUL included', () => {
    const column = new TextColumn(TextColumn.encode(texts, (t) => t));
    expect(Array.from({ length: column.size }, (_, i) => column.at(i))).toEqual(texts);
  });

  it("finds a needle exactly where String.prototype.includes does, never across two strings' boundary", () => {
    const column = new TextColumn(TextColumn.encode(texts, (t) => t));
    for (const needle of ['', 'a', 'ab', 'ba', 'bb', 'abba', 'Ö', 'ÍDRIS'.toLowerCase(), 'σ', 'Σ', '🩺', '\u0000', 'l\u0000i', 'plainDr']) {
      const bytes = needleBytes(needle);
      expect(texts.map((_, i) => column.includes(i, bytes)), needle).toEqual(texts.map((t) => t.includes(needle)));
    }
  });

  it('packs into a buffer of its own, exactly as long as the text', () => {
    const data = TextColumn.encode(['x'.repeat(5000), 'é'], (t) => t);
    expect(data.bytes.byteLength).toBe(5002);
    expect(data.bytes.buffer.byteLength).toBe(5002);
  });
});

describe('PreviewLists', () => {
  const lists = new PreviewLists(encodePreviewLists({ rejected, suspicious }));

  it('decodes every row as it was', () => {
    expect(Array.from({ length: lists.rejectedCount }, (_, i) => lists.rejected(i))).toEqual(rejected);
    expect(Array.from({ length: lists.suspiciousCount }, (_, i) => lists.suspicious(i))).toEqual(suspicious);
    expect(decodeRejected(lists.data.rejected)).toEqual(rejected);
  });

  it('keeps each row’s reason, file and column as codes of its names (0: no column)', () => {
    expect(lists.reasonCode('duplicate')).toBe(2);
    expect(lists.reasonCode('formula_not_calculated')).toBe(-1);
    expect(Array.from(lists.data.rejected.columns)).toEqual([lists.columnCode('booking_date'), 0, 0]);
    expect(Array.from(lists.data.rejected.files, (code) => lists.data.rejected.fileNames[code])).toEqual(['appointments', 'doctors', 'appointments']);
  });

  it('searches the lower-cased text a rejected row is filtered on', () => {
    expect(lists.rejectedSearch.at(0)).toBe(rejectedSearchText(rejected[0] as RejectedRow));
    expect(lists.rejectedSearch.includes(0, needleBytes('b-öz 🩺'))).toBe(true);
  });

  it('transfers whole buffers, each once', () => {
    const buffers = previewListsTransferables(lists.data);
    expect(new Set(buffers).size).toBe(buffers.length);
  });

  it('packs empty lists', () => {
    const empty = new PreviewLists(encodePreviewLists({ rejected: [], suspicious: [] }));
    expect([empty.rejectedCount, empty.suspiciousCount]).toEqual([0, 0]);
  });
});
