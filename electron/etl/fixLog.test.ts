import { describe, expect, it } from 'vitest';
import { FixLog, fixLogTransferables } from './fixLog';
import type { Fix } from './types';

const TEXTS: [string, string][] = [
  ['  Dr. Ídris ÖZ ', 'Dr. Ídris ÖZ'],
  ['😀 Confirmed', 'confirmed'],
  ['a\u0000b', 'ab'],
  ['\u0000', ''],
  ['', ''],
  [' ', ''],
  ['Cardiología 🫀\u0000', 'Cardiología 🫀'],
  ['12/31/2024', '2024-12-31'],
];

function makeLog(): FixLog {
  const log = new FixLog();
  let row = 2;
  for (let round = 0; round < 3; round++) {
    for (const [before, after] of TEXTS) {
      log.add('doctors', row++, 'name', before, after, 'text_trimmed');
      log.add('appointments', row++, 'status', before, after, 'status_standardised');
    }
  }
  // The same before with another after is its own pair.
  log.add('doctors', row, 'name', '😀 Confirmed', 'other', 'text_trimmed');
  return log;
}

/** The data as the host receives it: transferred through a structured clone, as postMessage does. */
function crossed(log: FixLog) {
  const data = log.toData();
  const received = structuredClone(data, { transfer: fixLogTransferables(data) });
  return { data, received };
}

describe('fix log packed for the host', () => {
  it('decodes every fix exactly: accents, emoji, NUL, empty texts', () => {
    const log = makeLog();
    const { received } = crossed(log);
    const host = FixLog.fromData(received);
    expect(host.size).toBe(log.size);
    expect(host.pairCount).toBe(log.pairCount);
    expect([...host]).toEqual([...log]);
    for (let id = 0; id < log.pairCount; id++) expect(host.pair(id)).toEqual(log.pair(id));
    expect(host.groups()).toEqual(log.groups());
    expect(host.countFor('doctors')).toBe(log.countFor('doctors'));
  });

  it('a pair\'s packed search text is its texts lower-cased, and a byte search agrees with String.includes', () => {
    const log = makeLog();
    const host = FixLog.fromData(crossed(log).received);
    const needles = ['', ' ', '😀', '\u0000', 'ídris öz', 'í', 'logía 🫀', 'confirmed', 'a\u0000b ab', 'zz'];
    for (let id = 0; id < log.pairCount; id++) {
      const { before, after } = log.pair(id);
      expect(host.searchTextOf(id)).toBe(`${before} ${after}`.toLowerCase());
      for (const needle of needles) {
        const want = `${before} ${after}`.toLowerCase().includes(needle);
        expect(host.searchIncludes(id, new TextEncoder().encode(needle), needle)).toBe(want);
        expect(log.searchIncludes(id, new TextEncoder().encode(needle), needle)).toBe(want);
      }
    }
  });

  it('crosses as buffers only: transferring detaches them, and no array of strings is left', () => {
    const { data, received } = crossed(makeLog());
    expect(data.before.bytes.byteLength).toBe(0);
    expect(data.after.ends.byteLength).toBe(0);
    expect(data.rows.byteLength).toBe(0);
    expect(received.before.bytes).toBeInstanceOf(Uint8Array);
    expect(received.after.ends).toBeInstanceOf(Uint32Array);
  });

  it('a packed log added to keeps its pairs: the same texts find the same pair', () => {
    const log = makeLog();
    const host = FixLog.fromData(crossed(log).received);
    const before = host.pairCount;
    for (const [text, after] of TEXTS) expect(host.pairId('doctors', 'name', text, after, 'text_trimmed')).toBe(log.pairId('doctors', 'name', text, after, 'text_trimmed'));
    expect(host.pairCount).toBe(before);
    host.add('appointments', 99, 'status', '🙂', 'confirmed', 'status_standardised');
    expect(host.at(host.size - 1)).toEqual({ file: 'appointments', row: 99, column: 'status', before: '🙂', after: 'confirmed', rule: 'status_standardised' } satisfies Fix);
    // And it crosses again whole.
    expect([...FixLog.fromData(crossed(host).received)]).toEqual([...host]);
  });

  it('an empty log crosses and reads as empty', () => {
    const host = FixLog.fromData(crossed(new FixLog()).received);
    expect(host.size).toBe(0);
    expect(host.pairCount).toBe(0);
    expect(host.groups()).toEqual([]);
  });
});

describe('pairs appended without a lookup', () => {
  it('are found by pairId afterwards, the same as pairs pairId created', () => {
    const appended = new FixLog();
    const looked = new FixLog();
    expect(appended.hasKind('appointments', 'booking_date', 'date_text')).toBe(false);
    const kind = appended.kindId('appointments', 'booking_date', 'date_text');
    expect(appended.hasKind('appointments', 'booking_date', 'date_text')).toBe(true);
    for (const [i, [before, after]] of TEXTS.entries()) {
      appended.addPair(i + 2, appended.appendPair(kind, before, after));
      looked.addPair(i + 2, looked.pairId('appointments', 'booking_date', before, after, 'date_text'));
    }
    for (const log of [appended, looked]) {
      // Met again: the pair already there; the same before with another after: a pair of its own.
      log.addPair(20, log.pairId('appointments', 'booking_date', '12/31/2024', '2024-12-31', 'date_text'));
      log.addPair(21, log.pairId('appointments', 'booking_date', '12/31/2024', '2024-31-12', 'date_text'));
      log.add('doctors', 22, 'name', ' x', 'x', 'text_trimmed');
    }
    expect(appended.pairCount).toBe(TEXTS.length + 2);
    expect([...appended]).toEqual([...looked]);
    expect(appended.groups()).toEqual(looked.groups());
  });
});
