/**
 * The doctors sheet: the roster in id order, typed with the doctors-file dirt of SPEC §3.
 *
 * Every roster doctor gets exactly one row that cleans to that doctor (ids typed as text, padded
 * names, an empty specialty are all still valid), so the roster is what survives cleaning, minus
 * the effects of duplicates and nameless rows that come *before* a doctor's named row (rule 7 keeps
 * the first valid row). Rows with bad ids, nameless rows, duplicates, repeated headers and blank
 * rows are *extra* rows around the roster.
 */
import type ExcelJS from 'exceljs';
import { doctorName, isGapId, SPECIALTIES, type Doctor } from './baseData';
import {
  decimalId,
  idAsText,
  ID_TEXT_FORMS,
  negativeId,
  nonNumericId,
  outOfRangeId,
  padText,
  phoneNumber,
  type Cell,
  type DirtKind,
  type DirtRates,
  type IdTextForm,
} from './dirt';
import { drainSheet, writeRow } from './excelFile';
import {
  blankRowCells,
  BLANK_STYLES,
  cellsInColumnOrder,
  chooseColumns,
  repeatedHeaderCells,
  REPEATED_HEADER_STYLES,
  Tally,
  type BlankStyle,
  type ColumnSpec,
  type RepeatedHeaderStyle,
} from './layout';
import type { Random } from './random';
import type { SheetStats } from './stats';

/** A guaranteed example, attached to one roster doctor. */
export type DoctorExample =
  | { kind: 'idAsText'; form: IdTextForm }
  | { kind: 'idNonNumeric' | 'idDecimal' | 'idNegative' | 'idOutOfRange' | 'emptyRequired' }
  | { kind: 'paddedText'; column: 'name' | 'specialty' }
  | { kind: 'emptySpecialty' }
  | { kind: 'missingDoctorName'; variant: 'gap-id' | 'before-named-row' }
  | { kind: 'duplicateDoctor'; variant: DuplicateDoctorVariant }
  | { kind: 'repeatedHeader'; style: RepeatedHeaderStyle }
  | { kind: 'blankRow'; style: BlankStyle };

type DuplicateDoctorVariant = 'other-name' | 'identical';

/** The examples a small file must contain, for kinds whose rate is above 0. */
export function doctorExamples(rates: DirtRates): DoctorExample[] {
  const all: DoctorExample[] = [
    { kind: 'idAsText', form: 'dot-zero' },
    { kind: 'idAsText', form: 'padded' },
    { kind: 'idAsText', form: 'plain' },
    { kind: 'idNonNumeric' },
    { kind: 'paddedText', column: 'name' },
    { kind: 'paddedText', column: 'specialty' },
    { kind: 'emptySpecialty' },
    { kind: 'missingDoctorName', variant: 'gap-id' },
    { kind: 'missingDoctorName', variant: 'before-named-row' },
    { kind: 'duplicateDoctor', variant: 'other-name' },
    { kind: 'duplicateDoctor', variant: 'identical' },
    { kind: 'repeatedHeader', style: 'exact' },
    { kind: 'blankRow', style: 'absent' },
  ];
  return all.filter((example) => rates[example.kind] > 0);
}

const BASE_COLUMNS: readonly ColumnSpec[] = [
  { key: 'doctor_id', width: 12 },
  { key: 'name', width: 26 },
  { key: 'specialty', width: 20 },
];
const PHONE_COLUMN: ColumnSpec = { key: 'phone', header: 'Phone', extra: true, width: 16 };

export interface DoctorsSheetInput {
  sheet: ExcelJS.Worksheet;
  roster: readonly Doctor[];
  rates: DirtRates;
  random: Random;
  /** Examples to place (empty for purely random dirt). */
  examples: readonly DoctorExample[];
  /** Force an extra column / a leading blank row whatever the rates' dice say. */
  forceExtraColumns: boolean;
  forceLeadingBlankRows: boolean;
  quotedHeaders: boolean;
}

/** A row ready to write, and what it counts as. */
interface PlannedRow {
  counts: 'data' | 'repeatedHeader' | 'blank';
  cells: Cell[];
}

/** A pending extra row, written after the roster row of `afterIndex`. */
interface DeferredRow {
  afterIndex: number;
  cells: Record<string, Cell>;
}

export async function writeDoctorsSheet(input: DoctorsSheetInput): Promise<SheetStats> {
  const { sheet, roster, rates, random, examples } = input;
  const tally = new Tally();

  const withExtras = input.forceExtraColumns || random.chance(rates.extraColumns);
  const specs = withExtras ? [BASE_COLUMNS[0], BASE_COLUMNS[1], PHONE_COLUMN, BASE_COLUMNS[2]] : [...BASE_COLUMNS];
  const columns = chooseColumns(specs as ColumnSpec[], rates, random, input.quotedHeaders, tally);
  if (withExtras) tally.add('extraColumns', 'Phone');
  sheet.columns = columns.map((c) => ({ width: c.width }));

  let leadingBlankRows = 0;
  if (input.forceLeadingBlankRows || random.chance(rates.leadingBlankRows)) {
    leadingBlankRows = random.int(1, 2);
    tally.add('leadingBlankRows', String(leadingBlankRows));
  }
  const headerRow = leadingBlankRows + 1;
  writeRow(
    sheet,
    headerRow,
    columns.map((c) => ({ value: c.header })),
    true,
  );

  let rowNumber = headerRow;
  const rows = { data: 0, repeatedHeader: 0, blank: 0 };
  const emit = (cells: Cell[]): void => {
    rowNumber++;
    if (cells.length > 0) writeRow(sheet, rowNumber, cells);
  };
  /** Write the row, counting it as data unless it is a repeated header or a blank row. */
  const emitRow = (row: PlannedRow): void => {
    emit(row.cells);
    rows[row.counts]++;
  };

  // Spread the examples (shuffled) over the roster, leaving the last doctor alone when there is room;
  // several land on one doctor only if the roster is short.
  const shuffled = [...examples];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [shuffled[i], shuffled[j]] = [shuffled[j] as DoctorExample, shuffled[i] as DoctorExample];
  }
  const slots = Math.max(1, roster.length - 1);
  const byIndex = new Map<number, DoctorExample[]>();
  shuffled.forEach((example, j) => {
    const index = Math.floor(((j + 0.5) * slots) / shuffled.length);
    const list = byIndex.get(index) ?? [];
    list.push(example);
    byIndex.set(index, list);
  });

  const gapIds = gapIdsInRange(roster);
  const deferred: DeferredRow[] = [];
  const phone = (): Cell => ({ value: random.chance(0.8) ? phoneNumber(random) : null });

  const rowFor = (doctor: Doctor): Record<string, Cell> => ({
    doctor_id: { value: doctor.id },
    name: { value: doctor.name },
    specialty: { value: doctor.specialty },
    phone: phone(),
  });

  const badIdRow = (kind: DirtKind, doctor: Doctor): Record<string, Cell> => {
    // A newly hired doctor typed with an id that does not parse: an extra, rejected row.
    const id = doctor.id;
    let value: Cell['value'];
    switch (kind) {
      case 'idNonNumeric':
        value = nonNumericId(id, random);
        break;
      case 'idDecimal':
        value = decimalId(id, random);
        break;
      case 'idNegative':
        value = negativeId(id, random);
        break;
      case 'idOutOfRange':
        value = outOfRangeId('doctor_id', random);
        break;
      default:
        value = null;
    }
    tally.add(kind, 'doctor_id');
    return {
      doctor_id: { value },
      name: { value: doctorName(random) },
      specialty: { value: random.pick(SPECIALTIES) },
      phone: phone(),
    };
  };

  for (let index = 0; index < roster.length; index++) {
    const doctor = roster[index] as Doctor;
    const forced = byIndex.get(index) ?? [];
    const own = rowFor(doctor);
    const before: Record<string, Cell>[] = [];
    const after: PlannedRow[] = [];
    const has = (kind: DirtKind): DoctorExample | undefined => forced.find((e) => e.kind === kind);
    const decide = (kind: DirtKind): boolean => has(kind) !== undefined || (forced.length === 0 && random.chance(rates[kind]));

    // --- the doctor's own row: only harmless dirt ---
    if (decide('idAsText')) {
      const example = has('idAsText');
      const form = example?.kind === 'idAsText' ? example.form : random.pick(ID_TEXT_FORMS);
      own.doctor_id = { value: idAsText(doctor.id, form) };
      tally.add('idAsText', `doctor_id:${form}`);
    }
    const padded = forced.filter((e): e is Extract<DoctorExample, { kind: 'paddedText' }> => e.kind === 'paddedText');
    const padName = padded.some((e) => e.column === 'name') || (forced.length === 0 && random.chance(rates.paddedText));
    const padSpecialty =
      padded.some((e) => e.column === 'specialty') || (forced.length === 0 && random.chance(rates.paddedText));
    if (padName) {
      own.name = { value: padText(doctor.name, random) };
      tally.add('paddedText', 'name');
    }
    if (decide('emptySpecialty')) {
      own.specialty = { value: null };
      tally.add('emptySpecialty');
    } else if (padSpecialty) {
      own.specialty = { value: padText(doctor.specialty, random) };
      tally.add('paddedText', 'specialty');
    }

    // --- extra rows ---
    if (decide('missingDoctorName')) {
      const example = has('missingDoctorName');
      const variant =
        example?.kind === 'missingDoctorName'
          ? example.variant
          : random.pick(['gap-id', 'before-named-row'] as const);
      tally.add('missingDoctorName', variant);
      if (variant === 'before-named-row' || gapIds.length === 0) {
        // The same doctor typed first without a name: rule 7 keeps the named row that follows.
        before.push({ ...rowFor(doctor), name: { value: random.chance(0.7) ? null : '' } });
      } else {
        // A doctor whose id is a gap (not in the roster) and who has no name: a placeholder later.
        const gapId = gapIds.length > 1 ? (gapIds[random.int(1, gapIds.length - 1)] as number) : (gapIds[0] as number);
        after.push({
          counts: 'data',
          cells: cellsInColumnOrder(columns, {
            doctor_id: { value: gapId },
            name: { value: null },
            specialty: { value: random.pick(SPECIALTIES) },
            phone: phone(),
          }),
        });
      }
    }
    for (const kind of ['idNonNumeric', 'idDecimal', 'idNegative', 'idOutOfRange', 'emptyRequired'] as const) {
      if (decide(kind)) after.push({ counts: 'data', cells: cellsInColumnOrder(columns, badIdRow(kind, doctor)) });
    }
    if (decide('duplicateDoctor')) {
      const example = has('duplicateDoctor');
      const variant: DuplicateDoctorVariant =
        example?.kind === 'duplicateDoctor' ? example.variant : random.pick(['other-name', 'identical'] as const);
      tally.add('duplicateDoctor', variant);
      const copy = variant === 'identical' ? { ...own } : { ...rowFor(doctor), name: { value: doctorName(random) } };
      // The duplicate shows up a few rows later, as it would after a copy-paste.
      deferred.push({ afterIndex: index + random.int(0, 3), cells: copy });
    }
    if (decide('repeatedHeader')) {
      const example = has('repeatedHeader');
      const style = example?.kind === 'repeatedHeader' ? example.style : random.pick(REPEATED_HEADER_STYLES);
      tally.add('repeatedHeader', style);
      after.push({ counts: 'repeatedHeader', cells: repeatedHeaderCells(columns, style, random) });
    }
    if (decide('blankRow')) {
      const example = has('blankRow');
      const style = example?.kind === 'blankRow' ? example.style : random.pick(BLANK_STYLES);
      tally.add('blankRow', style);
      after.push({ counts: 'blank', cells: blankRowCells(columns, style) });
    }

    for (const cells of before) emitRow({ counts: 'data', cells: cellsInColumnOrder(columns, cells) });
    emitRow({ counts: 'data', cells: cellsInColumnOrder(columns, own) });
    // Deferred duplicates go before this doctor's own extras so that a blank row can stay last.
    for (let k = 0; k < deferred.length; ) {
      const pending = deferred[k] as DeferredRow;
      if (pending.afterIndex <= index || index === roster.length - 1) {
        deferred.splice(k, 1);
        emitRow({ counts: 'data', cells: cellsInColumnOrder(columns, pending.cells) });
      } else {
        k++;
      }
    }
    const isLast = index === roster.length - 1;
    for (const row of after) {
      // An absent row at the very end would not exist in the file: make it a formatted blank row.
      if (isLast && row.counts === 'blank' && row.cells.length === 0) {
        tally.add('blankRow', 'absent', -1);
        tally.add('blankRow', 'formatted');
        emitRow({ counts: 'blank', cells: blankRowCells(columns, 'formatted') });
      } else {
        emitRow(row);
      }
    }
    if (index % 1000 === 999) await drainSheet(sheet);
  }
  const lastRow = rowNumber;

  return {
    sheetName: sheet.name,
    headerRow,
    lastRow,
    rowsBelowHeader: lastRow - headerRow,
    headers: columns.map((c) => c.header),
    rows,
    dirt: tally.byKind,
    variants: tally.byVariant,
  };
}

function gapIdsInRange(roster: readonly Doctor[]): number[] {
  const first = roster[0]?.id;
  const last = roster[roster.length - 1]?.id;
  if (first === undefined || last === undefined) return [];
  const ids: number[] = [];
  for (let id = first; id <= last; id++) if (isGapId(id)) ids.push(id);
  return ids;
}
