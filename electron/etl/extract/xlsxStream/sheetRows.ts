/**
 * A worksheet part → rows of RawCell, as the scanner walks it (behind a MarkupFilter, so only
 * SpreadsheetML elements arrive, matched by namespace URI, with mc:AlternateContent resolved).
 * Only <sheetData> is looked at: `<row r s customFormat>`, `<c r s t>`, `<v>`, `<f>` and `<is>`.
 *
 * Values follow ECMA-376 Part 1 §18.3.1.4 (c) and §18.18.11 (ST_CellType), and what Excel shows:
 * - n (the default): the `<v>` number; in a date format (the cell's own `s` when it has one, even
 *   `s="0"`, else its row's when the row says `customFormat="1"`), the date Excel shows, with the
 *   1900 leap-year bug (numberFormats.ts).
 * - s: the shared string; str (a formula's string), inlineStr (`<is>`): the text of its `<t>`
 *   elements, decoded once, trimmed unless `xml:space="preserve"`, `_xHHHH_` decoded.
 * - b: TRUE/FALSE; e: the error text (`#N/A`); d: an ISO 8601 date.
 * - A formula (`<f>`) without a cached `<v>`, or in a workbook that asks for a full recalculation
 *   on load, has no value Excel would show without calculating: UncalculatedFormula, never empty.
 * Character data outside `<v>`, `<f>` and `<t>` is never part of a value. Rows and cells without
 * `r` take the next position. A value that is not what its type says (a number `abc`, a shared
 * string index past the table, a boolean `2`) is an error naming the cell, never a guess.
 *
 * Per-writer costs seen while measuring (for whoever tunes this next): generator/exceljs and
 * LibreOffice sheets are shared-string `t="s"` cells, the cheapest shape (an index parse per
 * cell); openpyxl writes numbers and shared strings with `r` on every cell and row styles never;
 * SheetJS writes `t="str"`/inline text, which costs a string decode per cell; pretty-printed XML
 * only adds text events that are dropped outside `<v>`/`<t>`; a UTF-16 part is transcoded to UTF-8
 * first (about twice the bytes to scan).
 */
import { CancelledError } from '../../errors';
import type { RawCell } from '../../types';
import type { RowSink } from '../sheetTypes';
import { serialToDateCell, isoCellToDate } from './numberFormats';
import { InternedTexts } from './internedTexts';
import { MAX_TEXT_BYTES, RichTextReader, TextCollector, elementText, xmlSpaceOf } from './stringItem';
import type { StyleTable } from './styles';
import type { XmlHandler, XmlScanner } from './xmlScanner';
import { XmlCutOffError, XmlError, decodeAttribute, parseDoubleStrict, parseIndexStrict, parseIntBytes } from './xmlText';

// Cell types (the `t` attribute).
const T_NUMBER = 0;
const T_SHARED = 1;
const T_FORMULA_STRING = 2; // str
const T_INLINE = 3; // inlineStr
const T_ERROR = 4;
const T_BOOLEAN = 5;
const T_DATE = 6;

// Which character data inside a cell is being gathered.
const MODE_NONE = 0;
const MODE_VALUE = 1;
const MODE_FORMULA = 2;
const MODE_INLINE = 3;

const MAX_COLUMN = 16_384;
const MAX_ROW = 1_048_576;
/** The fewest bytes a row holding a value takes: `<row><c><v>1</v></c></row>`. */
const MIN_VALUED_ROW_BYTES = 26;

/**
 * At most how many rows with a value a sheet part of `partBytes` inflated bytes can hold: lets a
 * caller size its columns once instead of growing them as rows arrive. Never more than a
 * worksheet's last row (a lying size cannot make a caller reserve more than that).
 */
export function rowsAtMost(partBytes: number): number {
  return Math.max(0, Math.min(MAX_ROW, Math.floor(partBytes / MIN_VALUED_ROW_BYTES)));
}
/** Enough of a formula to show the analyst which one it is. */
const MAX_FORMULA_BYTES = 64 * 1024;

const CH_C = 0x63;
const CH_V = 0x76;
const CH_F = 0x66;
const CH_R = 0x72;
const CH_S = 0x73;
const CH_T = 0x74;
const CH_B = 0x62;
const CH_E = 0x65;
const CH_D = 0x64;
const CH_N = 0x6e;
const CH_I = 0x69;
const CH_UPPER_S = 0x53;

const CH_X = 0x78;
const CH_M = 0x6d;
const CH_L = 0x6c;
const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const SPACE = 0x20;
const EQUALS = 0x3d;
const AMP = 0x26;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
/** Attributes fastElement reads on one cell before leaving it to the generic path. */
const FAST_ATTRS = 8;
/** Bytes of an attribute name fastElement accepts: ASCII letters, digits, `_ - . :`. */
const NAME_BYTE = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const c = String.fromCharCode(b);
  if (/[A-Za-z0-9_.:-]/.test(c)) NAME_BYTE[b] = 1;
}
const PRESERVE_GT = Buffer.from(' xml:space="preserve">');
const DEFAULT_GT = Buffer.from(' xml:space="default">');

const ROW = Buffer.from('row');
const INLINE = Buffer.from('is');
const SHEET_DATA = Buffer.from('sheetData');
const WORKSHEET = Buffer.from('worksheet');
const CUSTOM_FORMAT = Buffer.from('customFormat');

/** A value that contradicts its cell's type: the message names the cell. */
export class CellError extends XmlError {
  override readonly name: string = 'CellError';
  constructor(
    readonly row: number,
    readonly column: number,
    message: string,
  ) {
    super(message);
  }
}

export interface SheetRowsOptions {
  styles: StyleTable;
  strings: readonly string[] | null;
  date1904: boolean;
  /** `<calcPr fullCalcOnLoad="1">`: every cached formula value is stale until Excel recalculates. */
  recalculateOnLoad: boolean;
  onRow: RowSink;
  signal?: AbortSignal | undefined;
  /** Read the usual cell shapes in one pass (fastElement); default true. Tests turn it off. */
  fastCells?: boolean;
  /** The sink reads each row's cells before it returns and keeps none: one array serves every row. */
  reuseRow?: boolean;
}

export class SheetRowsHandler implements XmlHandler {
  rows = 0;
  /** The row being read, or the last one read: for messages about where the XML went wrong. */
  rowNumber = 0;
  private sheetDataClosed = false;
  private inSheetData = false;
  private level = 0;

  private inRow = false;
  private rowStyle = -1;
  private lastColumn = 0;
  private maxColumn = 0;
  /** The row's values by column (1-based), grown to the widest row seen (at most MAX_COLUMN). */
  private values: (RawCell | undefined)[] = new Array<RawCell | undefined>(65).fill(undefined);

  private inCell = false;
  private column = 0;
  private cellStyle = -1;
  private type = T_NUMBER;
  private hasFormula = false;
  private hasValue = false;
  private valuePreserve = false;
  private mode = MODE_NONE;
  private readonly value = new TextCollector(MAX_TEXT_BYTES);
  private readonly formula = new TextCollector(MAX_FORMULA_BYTES);
  private readonly inline = new RichTextReader();
  private readonly fastAttrs = new Int32Array(FAST_ATTRS * 4);
  private readonly fastText = new TextCollector(MAX_TEXT_BYTES);
  private interned: InternedTexts | null = null;
  private readonly dayCells: DayCells;
  private inlineText: string | null = null;

  private readonly styles: StyleTable;
  private readonly strings: readonly string[] | null;
  private readonly date1904: boolean;
  private readonly recalculateOnLoad: boolean;
  private readonly onRow: RowSink;
  private readonly signal: AbortSignal | undefined;
  private readonly fastCells: boolean;
  /**
   * With reuseRow, the array handed to onRow for every row of a length, by length (null
   * otherwise): an array's length is never changed, which would reallocate its elements.
   */
  private readonly rowArrays: RawCell[][] | null;

  constructor(options: SheetRowsOptions) {
    this.styles = options.styles;
    this.strings = options.strings;
    this.date1904 = options.date1904;
    this.recalculateOnLoad = options.recalculateOnLoad;
    this.onRow = options.onRow;
    this.signal = options.signal;
    this.fastCells = options.fastCells ?? true;
    this.rowArrays = options.reuseRow === true ? [] : null;
    this.dayCells = new DayCells(options.date1904);
  }

  /** After the scanner's end(): a sheet without its </sheetData> was cut off. */
  finish(): void {
    if (!this.sheetDataClosed) throw new XmlCutOffError('the sheet has no complete <sheetData>');
  }

  openTag(s: XmlScanner): void {
    const level = ++this.level;
    if (this.mode === MODE_INLINE) {
      this.inline.openTag(s);
      return;
    }
    const local = s.localStart;
    const length = s.nameEnd - local;
    if (level === 1) {
      if (!s.localNameIs(WORKSHEET)) throw new XmlError(`the part's root element is <${s.qualifiedName()}>, not <worksheet>`);
      return;
    }
    if (this.inCell) {
      if (length === 1) {
        const b = s.buf[local];
        if (b === CH_V) {
          this.hasValue = true;
          this.valuePreserve = xmlSpaceOf(s) ?? false;
          this.value.begin();
          this.mode = MODE_VALUE;
        } else if (b === CH_F) {
          this.hasFormula = true;
          this.formula.begin();
          this.mode = MODE_FORMULA;
        }
      } else if (length === 2 && s.localNameIs(INLINE)) {
        this.hasValue = true;
        this.inline.begin(s);
        this.mode = MODE_INLINE;
      }
      return;
    }
    if (this.inRow) {
      if (length === 1 && s.buf[local] === CH_C) this.openCell(s.buf, s.attrs, s.attrCount);
      return;
    }
    if (this.inSheetData) {
      if (length === 3 && s.localNameIs(ROW)) this.openRow(s);
      return;
    }
    if (level === 2 && length === 9 && s.localNameIs(SHEET_DATA)) this.inSheetData = true;
  }

  closeTag(s: XmlScanner): void {
    this.level--;
    const local = s.localStart;
    const length = s.nameEnd - local;
    if (this.mode === MODE_INLINE) {
      if (length === 2 && s.localNameIs(INLINE)) {
        this.inlineText = this.inline.end();
        this.mode = MODE_NONE;
      } else {
        this.inline.closeTag(s);
      }
      return;
    }
    if (this.inCell) {
      if (length === 1) {
        const b = s.buf[local];
        if (b === CH_C) this.closeCell();
        else if (b === CH_V || b === CH_F) this.mode = MODE_NONE;
      }
      return;
    }
    if (this.inRow) {
      if (length === 3 && s.localNameIs(ROW)) this.closeRow();
      return;
    }
    if (this.inSheetData && length === 9 && s.localNameIs(SHEET_DATA)) {
      this.inSheetData = false;
      this.sheetDataClosed = true;
    }
  }

  text(buf: Buffer, start: number, end: number, ends: boolean): void {
    const mode = this.mode;
    if (mode === MODE_VALUE) this.value.append(buf, start, end, ends);
    else if (mode === MODE_FORMULA) this.formula.append(buf, start, end, ends);
    else if (mode === MODE_INLINE) this.inline.text(buf, start, end, ends);
  }

  cdata(buf: Buffer, start: number, end: number): void {
    const mode = this.mode;
    if (mode === MODE_VALUE) this.value.appendCdata(buf, start, end);
    else if (mode === MODE_FORMULA) this.formula.appendCdata(buf, start, end);
    else if (mode === MODE_INLINE) this.inline.cdata(buf, start, end);
  }

  /**
   * The usual shapes of a cell, read in one pass over its bytes instead of five scanner events:
   * `<c …/>`, `<c …></c>`, `<c …><v>…</v></c>` and `<c …><is><t>…</t></is></c>` (with
   * `xml:space` on `<t>` as its only attribute). The cell's attributes and text go through the same
   * openCell/closeCell as the generic path, so values and errors are the same by construction.
   * Anything else (a formula, rich text, another child, a namespace declaration, an entity in an
   * attribute, white space other than one space between attributes, CDATA, the chunk ending inside
   * the cell) returns -1 and the scanner reads the element the generic way. The scanner calls this
   * only for an unprefixed element whose inherited namespace is SpreadsheetML (see MarkupFilter).
   * Measured on the million-row workbooks (reader alone, CPU time, shared machine): the
   * generator's 3.8–4.6 s → 2.3–2.6 s, openpyxl's (inline strings) 4.6 s → 2.8–2.9 s.
   * test/fuzz/fastCells.test.ts and fastCells.test.ts hold both paths to the same answers.
   */
  fastElement(buf: Buffer, lt: number): number {
    if (!this.inRow || this.inCell || !this.fastCells) return -1;
    const length = buf.length;
    let p = lt + 1;
    if (buf[p] !== CH_C) return -1;
    p++;
    const attrs = this.fastAttrs;
    let count = 0;
    let selfClosing = false;
    // r, s and t read while their bytes are at hand (the values openCell would give); anything
    // openCell would have to think about (a `$`, an error, a repeated name) leaves them to it.
    let column = -1;
    let style = -1;
    let type = -1;
    let plain = true;
    for (;;) {
      if (p >= length) return -1;
      const b = buf[p]!;
      if (b === GT) {
        p++;
        break;
      }
      if (b === SLASH) {
        if (p + 1 >= length || buf[p + 1] !== GT) return -1;
        selfClosing = true;
        p += 2;
        break;
      }
      if (b !== SPACE || count === FAST_ATTRS) return -1;
      p++;
      const nameStart = p;
      while (p < length && NAME_BYTE[buf[p]!] === 1) p++;
      if (p >= length || p === nameStart || buf[p] !== EQUALS) return -1;
      // A namespace declaration changes what the cell's children mean: the generic path reads it.
      if (buf[nameStart] === CH_X && p - nameStart >= 5 && buf[nameStart + 1] === CH_M && buf[nameStart + 2] === CH_L && buf[nameStart + 3] === CH_N && buf[nameStart + 4] === CH_S) return -1;
      const nameEnd = p;
      p++;
      // Every read below stays inside the chunk: one past its end deoptimises the function
      // ("out of bounds"), and it was reoptimised a dozen times over a million-row sheet.
      if (p >= length) return -1;
      const quote = buf[p];
      if (quote !== DQUOTE && quote !== SQUOTE) return -1;
      const valueStart = ++p;
      while (p < length) {
        const c = buf[p]!;
        if (c === quote) break;
        if (c === LT || c === AMP) return -1;
        p++;
      }
      if (p >= length) return -1;
      attrs[count * 4] = nameStart;
      attrs[count * 4 + 1] = nameEnd;
      attrs[count * 4 + 2] = valueStart;
      attrs[count * 4 + 3] = p;
      count++;
      if (plain && nameEnd - nameStart === 1) {
        const name = buf[nameStart];
        if (name === CH_R) {
          if (column !== -1) plain = false;
          else {
            column = plainColumn(buf, valueStart, p);
            if (column === -1) plain = false;
          }
        } else if (name === CH_S) {
          if (style !== -1) plain = false;
          else {
            style = plainStyle(buf, valueStart, p);
            if (style === -1) plain = false;
          }
        } else if (name === CH_T) {
          if (type !== -1) plain = false;
          else {
            type = plainType(buf, valueStart, p);
            if (type === -1) plain = false;
          }
        }
      }
      p++;
    }
    let textStart = -1;
    let textEnd = -1;
    let inline = false;
    let preserve = false;
    // Folded over an inline string's bytes while looking for its end (InternedTexts.hash).
    let hash = 0x811c9dc5;
    // The tags are compared byte by byte against constants: a loop over a Buffer of the tag's
    // bytes (startsWithAt) was the hottest line of the reader.
    if (!selfClosing) {
      // The shortest content, `</c>`, is 4 bytes; a shorter rest of the chunk holds none whole.
      if (p + 4 > length || buf[p] !== LT) return -1;
      const second = buf[p + 1];
      if (second === SLASH) {
        // </c>
        if (buf[p + 2] !== CH_C || buf[p + 3] !== GT) return -1;
        p += 4;
      } else if (second === CH_V) {
        // <v>…</v></c>
        if (buf[p + 2] !== GT) return -1;
        textStart = p + 3;
        textEnd = textStart;
        while (textEnd < length && buf[textEnd] !== LT) textEnd++;
        if (!closesValueAndCell(buf, textEnd)) return -1;
        p = textEnd + 8;
      } else if (second === CH_I) {
        // <is><t>…</t></is></c>, <t> with at most xml:space
        if (p + 7 > length || buf[p + 2] !== CH_S || buf[p + 3] !== GT || buf[p + 4] !== LT || buf[p + 5] !== CH_T) return -1;
        inline = true;
        const afterName = p + 6;
        if (buf[afterName] === GT) textStart = afterName + 1;
        // A chunk ending inside `<t xml:space="…">` is left to the generic path here: it used to
        // fall through to the DEFAULT_GT test, a call first made (at a chunk boundary) after
        // fastElement was optimised, which deoptimised it on every cold read of the openpyxl
        // pair ("insufficient type feedback for call", --trace-deopt, 4 of 4 runs).
        else if (afterName + PRESERVE_GT.length > length) return -1;
        else if (startsWithAt(buf, afterName, PRESERVE_GT)) {
          preserve = true;
          textStart = afterName + PRESERVE_GT.length;
        } else if (startsWithAt(buf, afterName, DEFAULT_GT)) textStart = afterName + DEFAULT_GT.length;
        else return -1;
        textEnd = textStart;
        for (; textEnd < length; textEnd++) {
          const b = buf[textEnd]!;
          if (b === LT) break;
          hash = Math.imul(hash ^ b, 0x01000193);
        }
        if (!closesInlineAndCell(buf, textEnd)) return -1;
        p = textEnd + 13;
      } else {
        return -1;
      }
    }
    if (plain) this.beginCell(column, style, type === -1 ? T_NUMBER : type);
    else this.openCell(buf, attrs, count);
    if (textStart === -1) {
      this.closeCell();
      return p;
    }
    this.hasValue = true;
    if (inline) {
      const interned = (this.interned ??= new InternedTexts());
      const key = InternedTexts.finish(hash, preserve);
      let text = interned.find(buf, textStart, textEnd, preserve, key);
      if (text === undefined) {
        const collector = this.fastText;
        collector.begin();
        if (textEnd > textStart) collector.append(buf, textStart, textEnd, true);
        text = elementText(collector, preserve);
        interned.add(buf, textStart, textEnd, preserve, key, text);
      }
      this.inlineText = text;
      this.closeCell();
      return p;
    }
    const value = this.value;
    value.begin();
    if (textEnd > textStart) value.append(buf, textStart, textEnd, true);
    this.valuePreserve = false;
    if (this.type === T_NUMBER && textEnd > textStart) {
      // The usual number, [-]digits (an id, a date serial), straight from the bytes: the value
      // parseDoubleStrict gives for it (up to 15 digits the digits are the exact double).
      let i = textStart;
      const negative = buf[i] === 0x2d;
      // Added on every cell (not `if (negative) i++`), so the addition has type feedback before
      // the first negative number: that increment, first run after fastElement was optimised,
      // deoptimised it ("insufficient type feedback for unary operation", --trace-deopt).
      i += negative ? 1 : 0;
      const first = i;
      // -0, not 0: a heap number, so the multiply and add below record "number" rather than
      // "small integer" feedback from the first cell; with 0, the first id or serial past 2^31
      // deoptimised fastElement ("overflow", --trace-deopt) and it was compiled again. -0 * 10 + d
      // is d, and +0 for d = 0, so every value is the one 0 gives.
      let number = -0;
      for (; i < textEnd; i++) {
        const d = buf[i]! - 0x30;
        if (d < 0 || d > 9) break;
        number = number * 10 + d;
      }
      if (i === textEnd && i > first && i - first <= 15) {
        this.inCell = false;
        this.mode = MODE_NONE;
        this.store(this.numberCell(negative ? -number : number));
        return p;
      }
    }
    this.closeCell();
    return p;
  }

  private openRow(s: XmlScanner): void {
    const buf = s.buf;
    const attrs = s.attrs;
    let number = NaN;
    let style = -1;
    let customFormat = false;
    for (let a = 0; a < s.attrCount; a++) {
      const nameStart = attrs[a * 4]!;
      const nameLength = attrs[a * 4 + 1]! - nameStart;
      const valueStart = attrs[a * 4 + 2]!;
      const valueEnd = attrs[a * 4 + 3]!;
      if (nameLength === 1) {
        const name = buf[nameStart];
        if (name === CH_R) number = parseIntBytes(buf, valueStart, valueEnd, true);
        else if (name === CH_S) style = parseIntBytes(buf, valueStart, valueEnd, true);
      } else if (nameLength === CUSTOM_FORMAT.length && startsWithAt(buf, nameStart, CUSTOM_FORMAT)) {
        customFormat = isTrue(buf, valueStart, valueEnd);
      }
    }
    // A row without r comes right after the previous row.
    const rowNumber = Number.isNaN(number) ? this.rowNumber + 1 : number;
    if (rowNumber < 1 || rowNumber > MAX_ROW) throw new XmlError(`a row number ${rowNumber} outside 1–${MAX_ROW}, after row ${this.rowNumber}`);
    this.rowNumber = rowNumber;
    // §18.3.1.73: the row's style applies only when customFormat is true.
    this.rowStyle = customFormat ? style : -1;
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
    const arrays = this.rowArrays;
    const cells = arrays === null ? new Array<RawCell>(length) : (arrays[length] ??= new Array<RawCell>(length));
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

  /** At `<c>`: its attributes (name start, name end, value start, value end, per attribute). */
  private openCell(buf: Buffer, attrs: Int32Array, attrCount: number): void {
    let column = -1;
    let style = -1;
    let type = T_NUMBER;
    for (let a = 0; a < attrCount; a++) {
      const nameStart = attrs[a * 4]!;
      if (attrs[a * 4 + 1]! - nameStart !== 1) continue;
      const name = buf[nameStart];
      const valueStart = attrs[a * 4 + 2]!;
      const valueEnd = attrs[a * 4 + 3]!;
      if (name === CH_R) column = this.columnOf(buf, valueStart, valueEnd);
      else if (name === CH_S) {
        style = parseIntBytes(buf, valueStart, valueEnd, true);
        if (Number.isNaN(style) || style < 0) style = 0;
      } else if (name === CH_T) type = this.typeOf(buf, valueStart, valueEnd, column);
    }
    this.beginCell(column, style, type);
  }

  /** A cell's r (-1: none), s (-1: none) and type, as openCell reads them from its attributes. */
  private beginCell(column: number, style: number, type: number): void {
    // A cell without r comes right after the previous cell of its row.
    if (column === -1) column = this.lastColumn + 1;
    if (column > MAX_COLUMN) throw new CellError(this.rowNumber, column, 'a cell beyond the last column (XFD) of a worksheet');
    this.lastColumn = column;
    this.column = column;
    // An explicit s wins, s="0" (General) included; only a cell without one takes its row's style.
    this.cellStyle = style !== -1 ? style : this.rowStyle;
    this.type = type;
    this.hasFormula = false;
    this.hasValue = false;
    this.mode = MODE_NONE;
    this.inlineText = null;
    this.inCell = true;
  }

  private closeCell(): void {
    this.inCell = false;
    this.mode = MODE_NONE;
    if (!this.hasFormula && !this.hasValue) return; // a styled cell that holds nothing
    const value = this.cellValue();
    if (value !== undefined) this.store(value);
  }

  /** The current cell's value goes into its row. */
  private store(value: RawCell): void {
    const column = this.column;
    if (column >= this.values.length) this.widen(column);
    this.values[column] = value;
    if (column > this.maxColumn) this.maxColumn = column;
  }

  private widen(column: number): void {
    const values = new Array<RawCell | undefined>(Math.min(MAX_COLUMN + 1, Math.max(column + 1, this.values.length * 2))).fill(undefined);
    for (let i = 0; i < this.values.length; i++) values[i] = this.values[i];
    this.values = values;
  }

  private cellValue(): RawCell | undefined {
    const type = this.type;
    const value = this.value;
    if (this.hasFormula) {
      const noResult = type === T_INLINE ? this.inlineText === null : !this.hasValue || (value.isEmpty && type !== T_FORMULA_STRING);
      if (noResult || this.recalculateOnLoad) return { formula: this.formula.isEmpty ? '' : this.formula.decoded().trim() };
    }
    switch (type) {
      case T_SHARED:
        return this.sharedString();
      case T_INLINE:
        // An inlineStr holds its text in <is>; a <v> instead is read like a formula string.
        return this.inlineText ?? (this.hasValue ? elementText(value, this.valuePreserve) : null);
      case T_FORMULA_STRING:
        return elementText(value, this.valuePreserve);
      case T_ERROR:
        return elementText(value, false);
      case T_BOOLEAN: {
        const text = elementText(value, false);
        if (text === '1' || text === 'true') return true;
        if (text === '0' || text === 'false') return false;
        if (text === '') return null;
        throw this.cellError(`a boolean cell holding ${quote(text)} (only 0 or 1)`);
      }
      case T_DATE: {
        const text = elementText(value, false);
        if (text === '') return null;
        return isoCellToDate(text) ?? text;
      }
      default: {
        if (value.isEmpty) return null;
        const number = parseDoubleStrict(value.bytes(), value.start(), value.end());
        if (Number.isNaN(number)) throw this.cellError(`a number cell holding ${quote(value.decoded())}, which is not a number`);
        return this.numberCell(number);
      }
    }
  }

  /** A number cell's value: the number, or the day it stands for when the cell's style is a date format. */
  private numberCell(number: number): RawCell {
    return this.styles.isDate(this.cellStyle) ? this.dayCells.of(number) : number;
  }

  private sharedString(): RawCell {
    const value = this.value;
    if (value.isEmpty) return null;
    const index = parseIndexStrict(value.bytes(), value.start(), value.end());
    if (Number.isNaN(index)) throw this.cellError(`a shared-string cell holding ${quote(value.decoded())}, which is not a string number`);
    const strings = this.strings;
    if (strings === null) throw this.cellError(`a shared-string cell, but the workbook has no shared strings part`);
    if (index >= strings.length) throw this.cellError(`a shared-string cell pointing at string ${index}, but the workbook has ${strings.length}`);
    return strings[index]!;
  }

  private cellError(message: string): CellError {
    return new CellError(this.rowNumber, this.column, message);
  }

  /** The column of a cell reference (`B7`, `$AB$12`); the row part must be this row. */
  private columnOf(buf: Buffer, start: number, end: number): number {
    let first = start;
    while (first < end && buf[first] === 0x24) first++;
    const column = plainColumn(buf, first, end);
    if (column === -1) {
      if (buf.indexOf(0x26, start) !== -1 && buf.indexOf(0x26, start) < end) {
        const decoded = Buffer.from(decodeAttribute(buf, start, end), 'utf8');
        if (decoded.indexOf(0x26) === -1) return this.columnOf(decoded, 0, decoded.length);
      }
      throw new CellError(this.rowNumber, this.lastColumn + 1, `a cell reference ${quote(buf.toString('utf8', start, Math.min(end, start + 32)))} that names no column within A–XFD`);
    }
    return column;
  }

  private typeOf(buf: Buffer, start: number, end: number, column: number): number {
    const plain = plainType(buf, start, end);
    if (plain !== -1) return plain;
    const text = decodeAttribute(buf, start, end);
    if (text !== buf.toString('latin1', start, end)) {
      const decoded = Buffer.from(text, 'utf8');
      return this.typeOf(decoded, 0, decoded.length, column);
    }
    throw new CellError(this.rowNumber, column === -1 ? this.lastColumn + 1 : column, `a cell of unknown type t=${quote(text)}`);
  }
}

/**
 * Date cells repeat: a booking column holds a few hundred or thousand distinct days. A whole-day
 * serial gets the same cell (one Date, or the text of 1900-01-00 / 1900-02-29) every time instead
 * of a new Date per cell: a direct-mapped table keyed by the serial; a miss asks serialToDateCell,
 * so the value is the same either way. Serials with a time of day are converted each time.
 * Measured: a new Date per cell costs 0.2 s per million date cells (allocation and collection),
 * the table 0.05–0.1 s.
 */
class DayCells {
  private static readonly SLOTS = 4096;
  private readonly serials = new Float64Array(DayCells.SLOTS).fill(-1);
  private readonly cells: RawCell[] = new Array<RawCell>(DayCells.SLOTS).fill(null);

  constructor(private readonly date1904: boolean) {}

  of(serial: number): RawCell {
    if (!Number.isInteger(serial) || serial < 0) return serialToDateCell(serial, this.date1904);
    const slot = serial & (DayCells.SLOTS - 1);
    if (this.serials[slot] === serial) return this.cells[slot] as RawCell;
    const cell = serialToDateCell(serial, this.date1904);
    this.serials[slot] = serial;
    this.cells[slot] = cell;
    return cell;
  }
}

/**
 * The column of a cell reference's letters (followed by anything: the row), or -1 when it starts
 * with no letter (a `$`) or names a column past XFD: columnOf skips the `$`s and explains the rest.
 */
function plainColumn(buf: Buffer, start: number, end: number): number {
  let column = 0;
  let i = start;
  for (; i < end; i++) {
    const b = buf[i]!;
    if (b >= 0x41 && b <= 0x5a) column = column * 26 + b - 0x40;
    else if (b >= 0x61 && b <= 0x7a) column = column * 26 + b - 0x60;
    else break;
    if (column > MAX_COLUMN) return -1;
  }
  return i === start ? -1 : column;
}

/** A style index of 1–9 digits and nothing else (what parseIntBytes reads), or -1 for any other. */
function plainStyle(buf: Buffer, start: number, end: number): number {
  if (end === start || end - start > 9) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** A cell type typeOf knows without decoding, or -1 (typeOf decodes it or names the error). */
function plainType(buf: Buffer, start: number, end: number): number {
  const length = end - start;
  if (length === 1) {
    switch (buf[start]) {
      case CH_N:
        return T_NUMBER;
      case CH_S:
        return T_SHARED;
      case CH_B:
        return T_BOOLEAN;
      case CH_E:
        return T_ERROR;
      case CH_D:
        return T_DATE;
    }
    return -1;
  }
  // Compared byte by byte against constants, as fastElement's tags are (startsWithAt's loop over
  // a Buffer showed in the profile: openpyxl types every text cell `inlineStr`).
  if (length === 9) {
    return buf[start] === CH_I && buf[start + 1] === CH_N && buf[start + 2] === CH_L && buf[start + 3] === CH_I && buf[start + 4] === CH_N && buf[start + 5] === CH_E && buf[start + 6] === CH_UPPER_S && buf[start + 7] === CH_T && buf[start + 8] === CH_R ? T_INLINE : -1;
  }
  if (length === 3) return buf[start] === CH_S && buf[start + 1] === CH_T && buf[start + 2] === CH_R ? T_FORMULA_STRING : -1;
  return -1;
}

function closesValueAndCell(buf: Buffer, at: number): boolean {
  // </v></c>
  return at + 8 <= buf.length && buf[at] === LT && buf[at + 1] === SLASH && buf[at + 2] === CH_V && buf[at + 3] === GT && buf[at + 4] === LT && buf[at + 5] === SLASH && buf[at + 6] === CH_C && buf[at + 7] === GT;
}

function closesInlineAndCell(buf: Buffer, at: number): boolean {
  // </t></is></c>
  return (
    at + 13 <= buf.length &&
    buf[at] === LT && buf[at + 1] === SLASH && buf[at + 2] === CH_T && buf[at + 3] === GT && buf[at + 4] === LT && buf[at + 5] === SLASH && buf[at + 6] === CH_I &&
    buf[at + 7] === CH_S && buf[at + 8] === GT && buf[at + 9] === LT && buf[at + 10] === SLASH && buf[at + 11] === CH_C && buf[at + 12] === GT
  );
}

function startsWithAt(buf: Buffer, at: number, word: Buffer): boolean {
  if (buf.length - at < word.length) return false;
  for (let i = 0; i < word.length; i++) if (buf[at + i] !== word[i]) return false;
  return true;
}

function isTrue(buf: Buffer, start: number, end: number): boolean {
  const length = end - start;
  return (length === 1 && buf[start] === 0x31) || (length === 4 && buf.toString('latin1', start, end) === 'true');
}

/** Cell text in a message: one line, at most 40 characters. */
export function quote(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return JSON.stringify(shown);
}
