import { describe, expect, it } from 'vitest';
import { fillPatientGroups, groupPatients, patientGroupsOf, pendingPatientGroups } from './patientGroups';

const columns = {
  patientIds: Float64Array.from([7, 3, 7, NaN, 9, 3, NaN]),
  bigPatientIds: new Map([
    [3, '9007199254740993'],
    [6, '9007199254740993'],
  ]),
};

describe('patient groups', () => {
  it('numbers patients densely in order of first sight, ids beyond 2^53 included', () => {
    const groups = groupPatients(columns, false);
    expect([...groups.of]).toEqual([0, 1, 0, 2, 3, 1, 2]);
    expect(groups.count).toBe(4);
  });

  it('groups filled after the table was handed over read the same once filled', () => {
    const pending = pendingPatientGroups(columns.patientIds.length);
    const handed = { ...columns, patientGroups: pending };
    fillPatientGroups(columns, pending);
    const read = patientGroupsOf(handed);
    expect([...read.of]).toEqual([0, 1, 0, 2, 3, 1, 2]);
    expect(read.count).toBe(4);
  });

  it('groups never filled (their worker failed) are computed by the reader', () => {
    const handed = { ...columns, patientGroups: pendingPatientGroups(columns.patientIds.length) };
    const read = patientGroupsOf(handed, 1);
    expect([...read.of]).toEqual([0, 1, 0, 2, 3, 1, 2]);
    expect(read.count).toBe(4);
  });
});
