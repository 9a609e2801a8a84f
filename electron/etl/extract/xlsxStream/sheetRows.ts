/**
 * A worksheet part → rows of RawCell, as the scanner walks it. Only <sheetData> is looked at:
 * `<row r s>`, `<c r s t>`, `<v>`, `<f>` (the cell then holds the formula's cached `<v>`) and
 * `<is>` inline strings. Prefixed names (`x:row`) are read like plain ones.
 *
 * The values are those of the exceljs streaming reader as readSheet used it (see
 * readSheetWithExceljs.ts, the test oracle): numbers as numbers, numbers in a date format as Dates
 * (exceljs's format rule and arithmetic for plain numbers, readSheet's for formula results; a
 * cell without a style of its own takes its row's), shared strings, booleans, error cells as their
 * text, `str`/`inlineStr` text decoded once more for `&lt;`-style sequences the way exceljs does,
 * `_xHHHH_` escapes left as they are (exceljs's streaming reader does not decode them either), and
 * character data that follows a `</v>` inside the cell added to the value (exceljs does that).
 * A row's array ends at its last cell with a value; cells without one are null.
 *
 * Where exceljs loses or garbles data, this reads what the file says (SPEC §4 rules 3, 4, 6, 10):
 * rows and cells without `r` take the next position (exceljs fails or numbers the row NaN);
 * prefixed tags (exceljs reads no rows at all); CDATA text (exceljs drops it); `t="d"` ISO dates
 * (exceljs parses "2025-10-21" as the number 2025); a formula's cached 0, FALSE, "" or error
 * (exceljs turns every falsy result into an empty cell, TRUE into 1 and errors into empty);
 * rich-text inline strings (exceljs keeps only the last run); phonetic `<rPh>` runs are skipped;
 * a multi-byte character cut by a chunk boundary stays whole (exceljs decodes each chunk on its
 * own and makes it U+FFFD). Styles and shared strings are read whatever their place in the zip
 * (exceljs ignores styles that come after the sheet). The tests in xmlBytes.test.ts pin each one.
 */
import { CancelledError } from '../../errors';
import type { RawCell } from '../../types';
import type { RowSink } from '../sheetTypes';
import { MAX_TEXT_BYTES, type SharedString } from './sharedStrings';
import type { StyleTable } from './styles';
import { formulaSerialToDate, isoCellToDate, valueSerialToDate } from './numberFormats';
import type { XmlHandler, XmlScanner } from './xmlScanner';
import { ByteAccumulator, XmlCutOffError, XmlError, decodeAttribute, decodeText, parseFloatBytes, parseIntBytes } from './xmlText';

// Cell types (the `t` attribute).
const T_NUMBER = 0;
const T_SHARED = 1;
const T_TEXT = 2; // str, inlineStr
const T_ERROR = 3;
const T_BOOLEAN = 4;
const T_DATE = 5;

// Where character data inside a cell goes.
const MODE_NONE = 0;
const MODE_VALUE = 1;
/** After `</v>` or `</t>`: kept aside, added to the value if nothing else starts first. */
const MODE_TRAILING = 2;
const MODE_DISCARD = 3;

const MAX_COLUMN = 16_384;

const CH_C = 0x63;
const CH_V = 0x76;
const CH_F = 0x66;
const CH_T = 0x74;
const CH_R = 0x72;
const CH_S = 0x73;
const CH_B = 0x62;
const CH_E = 0x65;
const CH_D = 0x64;

const ROW = Buffer.from('row');
const INLINE = Buffer.from('is');
const PHONETIC = Buffer.from('rPh');
const SHEET_DATA = Buffer.from('sheetData');
const WORKSHEET = Buffer.from('worksheet');
const STR = Buffer.from('str');
const INLINE_STR = Buffer.from('inlineStr');
const EMPTY = Buffer.alloc(0);

export interface SheetRowsOptions {
  styles: StyleTable;
  strings: readonly SharedString[];
  date1904: boolean;
  onRow: RowSink;
  signal?: AbortSignal | undefined;
}

export class SheetRowsHandler implements XmlHandler {
  rows = 0;
  private sheetDataClosed = false;
  private inSheetData = false;

  private inRow = false;
  private rowNumber = 0;
  private lastRowNumber = 0;
  private rowStyle = -1;
  private lastColumn = 0;
  private maxColumn = 0;
  private readonly values: (RawCell | undefined)[] = new Array<RawCell | undefined>(MAX_COLUMN + 1).fill(undefined);

  private inCell = false;
  private column = 0;
  private cellStyle = -1;
  private type = T_NUMBER;
  private hasFormula = false;
  private hasValue = false;
  private mode = MODE_NONE;
  private inInline = false;
  private phoneticDepth = 0;
  /** The value's text: one range of a chunk when it arrived whole, else the accumulator. */
  private direct: Buffer | null = null;
  private directStart = 0;
  private directEnd = 0;
  private inAccumulator = false;
  private readonly accumulated = new ByteAccumulator(MAX_TEXT_BYTES);
  private readonly trailing = new ByteAccumulator(MAX_TEXT_BYTES);

  private readonly styles: StyleTable;
  private readonly strings: readonly SharedString[];
  private readonly date1904: boolean;
  private readonly onRow: RowSink;
  private readonly signal: AbortSignal | undefined;

  constructor(options: SheetRowsOptions) {
    this.styles = options.styles;
    this.strings = options.strings;
    this.date1904 = options.date1904;
    this.onRow = options.onRow;
    this.signal = options.signal;
  }

  /** After the scanner's end(): a sheet without its </sheetData> was cut off. */
  finish(): void {
    if (!this.sheetDataClosed) throw new XmlCutOffError('the sheet has no complete <sheetData>');
  }

  openTag(s: XmlScanner): void {
    const buf = s.buf;
    const local = s.localStart;
    const length = s.nameEnd - local;
    if (s.depth === 1) {
      if (!s.localNameIs(WORKSHEET)) {
        throw new XmlError(`the part's root element is <${buf.toString('latin1', s.nameStart, Math.min(s.nameEnd, s.nameStart + 64))}>, not <worksheet>`);
      }
      return;
    }
    if (length === 1) {
      const b = buf[local];
      if (!this.inCell) {
        if (b === CH_C && this.inRow) this.openCell(s);
      } else if (b === CH_V) {
        this.startValue();
      } else if (b === CH_F) {
        this.commitTrailing();
        this.hasFormula = true;
        this.mode = MODE_DISCARD;
      } else if (b === CH_T) {
        if (!this.inInline) this.startValue();
        else if (this.phoneticDepth === 0) {
          // Runs of a rich inline string are joined (exceljs would keep only the last one).
          this.trailing.reset();
          this.mode = MODE_VALUE;
        }
      }
      return;
    }
    if (length === 3) {
      if (s.localNameIs(ROW)) {
        if (this.inSheetData) this.openRow(s);
      } else if (this.inCell && this.inInline && s.localNameIs(PHONETIC)) {
        this.phoneticDepth++;
        this.mode = MODE_DISCARD;
      }
      return;
    }
    if (length === 2) {
      if (this.inCell && s.localNameIs(INLINE)) {
        this.startValue();
        this.mode = MODE_TRAILING;
        this.inInline = true;
        this.phoneticDepth = 0;
      }
      return;
    }
    if (length === 9 && s.localNameIs(SHEET_DATA)) this.inSheetData = true;
  }

  closeTag(s: XmlScanner): void {
    const buf = s.buf;
    const local = s.localStart;
    const length = s.nameEnd - local;
    if (length === 1) {
      if (!this.inCell) return;
      const b = buf[local];
      if (b === CH_C) this.closeCell();
      else if ((b === CH_V || b === CH_T) && this.mode === MODE_VALUE) this.mode = MODE_TRAILING;
      return;
    }
    if (length === 3) {
      if (s.localNameIs(ROW)) {
        if (this.inRow) this.closeRow();
      } else if (this.inCell && this.phoneticDepth > 0 && s.localNameIs(PHONETIC)) {
        this.phoneticDepth--;
        if (this.phoneticDepth === 0) this.mode = MODE_TRAILING;
      }
      return;
    }
    if (length === 2) {
      if (this.inCell && s.localNameIs(INLINE)) this.inInline = false;
      return;
    }
    if (length === 9 && s.localNameIs(SHEET_DATA)) {
      this.inSheetData = false;
      this.sheetDataClosed = true;
    }
  }

  text(buf: Buffer, start: number, end: number, ends: boolean): void {
    const mode = this.mode;
    if (mode === MODE_VALUE) this.appendValue(buf, start, end, ends);
    else if (mode === MODE_TRAILING) {
      this.trailing.append(buf, start, end);
      if (ends) this.trailing.endSegment();
    }
  }

  cdata(buf: Buffer, start: number, end: number): void {
    const mode = this.mode;
    if (mode === MODE_VALUE) {
      this.toAccumulator();
      this.accumulated.appendLiteral(buf, start, end);
      this.accumulated.endSegment();
    } else if (mode === MODE_TRAILING) {
      this.trailing.appendLiteral(buf, start, end);
      this.trailing.endSegment();
    }
  }

  private openRow(s: XmlScanner): void {
    const buf = s.buf;
    const attrs = s.attrs;
    let number = NaN;
    let style = -1;
    for (let a = 0; a < s.attrCount; a++) {
      const nameStart = attrs[a * 4]!;
      if (attrs[a * 4 + 1]! - nameStart !== 1) continue;
      const name = buf[nameStart];
      const valueStart = attrs[a * 4 + 2]!;
      const valueEnd = attrs[a * 4 + 3]!;
      if (name === CH_R) number = parseIntBytes(buf, valueStart, valueEnd, true);
      else if (name === CH_S && valueEnd > valueStart) {
        const id = parseIntBytes(buf, valueStart, valueEnd, true);
        style = this.styles.has(id) ? id : -1;
      }
    }
    // A row without r (or an unreadable one) comes right after the previous row.
    this.rowNumber = Number.isNaN(number) ? this.lastRowNumber + 1 : number;
    this.lastRowNumber = this.rowNumber;
    this.rowStyle = style;
    this.lastColumn = 0;
    this.inRow = true;
  }

  private closeRow(): void {
    this.inRow = false;
    const values = this.values;
    let length = 0;
    for (let i = this.maxColumn; i >= 1; i--) {
      if (values[i] !== undefined) {
        length = i;
        break;
      }
    }
    const cells: RawCell[] = new Array<RawCell>(length);
    for (let i = 1; i <= length; i++) {
      const value = values[i];
      cells[i - 1] = value === undefined ? null : value;
    }
    for (let i = 1; i <= this.maxColumn; i++) values[i] = undefined;
    this.maxColumn = 0;
    this.rows++;
    this.onRow(this.rowNumber, cells);
    if (this.signal?.aborted) throw new CancelledError();
  }

  private openCell(s: XmlScanner): void {
    const buf = s.buf;
    const attrs = s.attrs;
    let column = -1;
    let style = NaN;
    let type = T_NUMBER;
    for (let a = 0; a < s.attrCount; a++) {
      const nameStart = attrs[a * 4]!;
      if (attrs[a * 4 + 1]! - nameStart !== 1) continue;
      const name = buf[nameStart];
      const valueStart = attrs[a * 4 + 2]!;
      const valueEnd = attrs[a * 4 + 3]!;
      if (name === CH_R) column = columnOf(buf, valueStart, valueEnd);
      else if (name === CH_S) style = parseIntBytes(buf, valueStart, valueEnd, true);
      else if (name === CH_T) type = typeOf(buf, valueStart, valueEnd);
    }
    // A cell without r comes right after the previous cell of its row.
    if (column === -1) column = this.lastColumn + 1;
    if (column > MAX_COLUMN) throw new XmlError(`a cell beyond the last column (XFD) of a worksheet, in row ${this.rowNumber}`);
    this.lastColumn = column;
    this.column = column;
    // exceljs applies a cell's own style only when its id is not 0 and exists; otherwise the cell
    // keeps what it inherited from its row.
    this.cellStyle = style && this.styles.has(style) ? style : this.rowStyle;
    this.type = type;
    this.hasFormula = false;
    this.hasValue = false;
    this.mode = MODE_NONE;
    this.inInline = false;
    this.phoneticDepth = 0;
    this.direct = null;
    this.inAccumulator = false;
    this.trailing.reset();
    this.inCell = true;
  }

  private startValue(): void {
    this.hasValue = true;
    this.direct = null;
    this.inAccumulator = false;
    this.trailing.reset();
    this.mode = MODE_VALUE;
  }

  private appendValue(buf: Buffer, start: number, end: number, ends: boolean): void {
    if (!this.inAccumulator) {
      if (this.direct === null && ends) {
        // The usual case: the whole value sits in this chunk; keep only where it is.
        if (end > start) {
          this.direct = buf;
          this.directStart = start;
          this.directEnd = end;
        }
        return;
      }
      this.toAccumulator();
    }
    this.accumulated.append(buf, start, end);
    if (ends) this.accumulated.endSegment();
  }

  private toAccumulator(): void {
    if (this.inAccumulator) return;
    this.accumulated.reset();
    if (this.direct !== null) {
      this.accumulated.append(this.direct, this.directStart, this.directEnd);
      this.accumulated.endSegment();
      this.direct = null;
    }
    this.inAccumulator = true;
  }

  /** Text kept aside after `</v>` joins the value (exceljs appends it). */
  private commitTrailing(): void {
    if (this.trailing.length === 0) return;
    this.toAccumulator();
    this.accumulated.append(this.trailing.bytes, 0, this.trailing.length);
    this.accumulated.endSegment();
    this.trailing.reset();
  }

  private closeCell(): void {
    this.inCell = false;
    this.mode = MODE_NONE;
    if (!this.hasFormula && !this.hasValue) return; // exceljs leaves such a cell empty
    this.commitTrailing();
    // A formula without a cached value still counts as a cell (null) for the row's length.
    const value = this.hasValue ? this.cellValue() : null;
    const column = this.column;
    this.values[column] = value;
    if (column > this.maxColumn) this.maxColumn = column;
  }

  private cellValue(): RawCell | undefined {
    let buf: Buffer;
    let start: number;
    let end: number;
    if (this.inAccumulator) {
      buf = this.accumulated.bytes;
      start = 0;
      end = this.accumulated.length;
    } else if (this.direct !== null) {
      buf = this.direct;
      start = this.directStart;
      end = this.directEnd;
    } else {
      buf = EMPTY;
      start = 0;
      end = 0;
    }
    switch (this.type) {
      case T_SHARED:
        return this.strings[parseIntBytes(buf, start, end, false)];
      case T_TEXT:
        return decodeAgain(decodeText(buf, start, end));
      case T_ERROR:
        return decodeText(buf, start, end);
      case T_BOOLEAN:
        return parseIntBytes(buf, start, end, false) !== 0;
      case T_DATE: {
        const text = decodeText(buf, start, end);
        return isoCellToDate(text) ?? text;
      }
      default: {
        const number = parseFloatBytes(buf, start, end);
        const style = this.cellStyle;
        if (this.hasFormula) return this.styles.isFormulaDate(style) ? formulaSerialToDate(number, this.date1904) : number;
        return this.styles.isValueDate(style) ? valueSerialToDate(number, this.date1904) : number;
      }
    }
  }
}

/** The column of a cell reference (`B7`, `$AB$12`), the way exceljs's decodeAddress reads it. */
function columnOf(buf: Buffer, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    if (buf[i] === 0x26) {
      const decoded = Buffer.from(decodeAttribute(buf, start, end), 'utf8');
      return columnOf(decoded, 0, decoded.length);
    }
  }
  let column = 0;
  let hasColumn = false;
  let hasRow = false;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (!hasRow && b >= 0x41 && b <= 0x5a) {
      hasColumn = true;
      column = column * 26 + b - 0x40;
    } else if (b >= 0x30 && b <= 0x39) {
      hasRow = true;
    } else if (hasRow && hasColumn && b !== 0x24) {
      break;
    }
  }
  if (!hasColumn) throw new XmlError(`a cell reference "${buf.toString('latin1', start, Math.min(end, start + 32))}" without a column`);
  return column;
}

function typeOf(buf: Buffer, start: number, end: number): number {
  const length = end - start;
  if (length === 1) {
    switch (buf[start]) {
      case CH_S:
        return T_SHARED;
      case CH_B:
        return T_BOOLEAN;
      case CH_E:
        return T_ERROR;
      case CH_D:
        return T_DATE;
      default:
        return T_NUMBER;
    }
  }
  if (length === 3 && buf.compare(STR, 0, 3, start, end) === 0) return T_TEXT;
  if (length === 9 && buf.compare(INLINE_STR, 0, 9, start, end) === 0) return T_TEXT;
  for (let i = start; i < end; i++) {
    if (buf[i] === 0x26) {
      // A reference inside the type (t="&#115;"): compare the decoded text.
      const decoded = Buffer.from(decodeAttribute(buf, start, end), 'utf8');
      return decoded.indexOf(0x26) === -1 ? typeOf(decoded, 0, decoded.length) : T_NUMBER;
    }
  }
  return T_NUMBER;
}

/** exceljs runs `str` and `inlineStr` text through its xmlDecode after the XML parser already did. */
function decodeAgain(text: string): string {
  if (text.indexOf('&') === -1) return text;
  return text.replace(/&([a-z]*);/g, (entity) => {
    switch (entity) {
      case '&lt;':
        return '<';
      case '&gt;':
        return '>';
      case '&amp;':
        return '&';
      case '&apos;':
        return "'";
      case '&quot;':
        return '"';
      default:
        return entity;
    }
  });
}
