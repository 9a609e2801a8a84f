/**
 * xl/styles.xml → for each cell style id (an index into <cellXfs>), whether a number in that
 * style is a date. Only <numFmts> and <cellXfs> matter here; fonts, fills and the rest are skipped.
 * The format a style gets follows exceljs: a custom <numFmt> with the style's numFmtId wins over
 * the built-in code for that id, and numFmtId 0 (General) means no format at all.
 */
import { XmlScanner, type XmlHandler } from './xmlScanner';
import { builtInFormat, isDateFormatForFormulas, isDateFormatForValues, isLocaleDateFormatId } from './numberFormats';
import { decodeAttribute, parseIntBytes } from './xmlText';

export class StyleTable {
  constructor(
    /** Per style id: plain numbers in it are dates. */
    private readonly valueDates: Uint8Array,
    /** Per style id: formula results in it are dates. */
    private readonly formulaDates: Uint8Array,
  ) {}

  static readonly EMPTY = new StyleTable(new Uint8Array(0), new Uint8Array(0));

  get size(): number {
    return this.valueDates.length;
  }

  /** The style id exists (exceljs ignores ids that do not). */
  has(id: number): boolean {
    return id >= 0 && id < this.valueDates.length;
  }

  isValueDate(id: number): boolean {
    return this.valueDates[id] === 1;
  }

  isFormulaDate(id: number): boolean {
    return this.formulaDates[id] === 1;
  }
}

const NUM_FMTS = Buffer.from('numFmts');
const NUM_FMT = Buffer.from('numFmt');
const CELL_XFS = Buffer.from('cellXfs');
const XF = Buffer.from('xf');
const NUM_FMT_ID = Buffer.from('numFmtId');
const FORMAT_CODE = Buffer.from('formatCode');

/** Collects what StyleTable needs while the scanner walks styles.xml. */
export class StylesHandler implements XmlHandler {
  private readonly customFormats = new Map<number, string>();
  private readonly xfFormatIds: number[] = [];
  private inNumFmts = false;
  private inCellXfs = false;

  openTag(s: XmlScanner): void {
    if (s.depth === 2) {
      this.inNumFmts = s.localNameIs(NUM_FMTS);
      this.inCellXfs = s.localNameIs(CELL_XFS);
      return;
    }
    if (s.depth !== 3) return;
    if (this.inNumFmts && s.localNameIs(NUM_FMT)) {
      const id = this.intAttr(s, NUM_FMT_ID);
      const code = s.findAttr(FORMAT_CODE);
      if (code === -1 || Number.isNaN(id)) return;
      // exceljs unescapes backslashes in format codes before looking at them.
      const text = decodeAttribute(s.buf, s.attrs[code * 4 + 2]!, s.attrs[code * 4 + 3]!).replace(/[\\](.)/g, '$1');
      this.customFormats.set(id, text);
    } else if (this.inCellXfs && s.localNameIs(XF)) {
      this.xfFormatIds.push(this.intAttr(s, NUM_FMT_ID));
    }
  }

  closeTag(s: XmlScanner): void {
    if (s.depth === 2) {
      this.inNumFmts = false;
      this.inCellXfs = false;
    }
  }

  text(): void {}

  cdata(): void {}

  table(): StyleTable {
    const count = this.xfFormatIds.length;
    const values = new Uint8Array(count);
    const formulas = new Uint8Array(count);
    for (let id = 0; id < count; id++) {
      const formatId = this.xfFormatIds[id]!;
      if (!formatId) continue; // 0 (General) or missing: exceljs gives the style no format
      const format = this.customFormats.get(formatId) || builtInFormat(formatId);
      if (format) {
        values[id] = isDateFormatForValues(format) ? 1 : 0;
        formulas[id] = isDateFormatForFormulas(format) ? 1 : 0;
      } else if (isLocaleDateFormatId(formatId)) {
        values[id] = 1;
        formulas[id] = 1;
      }
    }
    return new StyleTable(values, formulas);
  }

  private intAttr(s: XmlScanner, name: Buffer): number {
    const index = s.findAttr(name);
    return index === -1 ? NaN : parseIntBytes(s.buf, s.attrs[index * 4 + 2]!, s.attrs[index * 4 + 3]!, true);
  }
}

/** Parses a whole styles.xml held in memory (tests; the reader streams it). */
export function parseStyles(xml: Buffer): StyleTable {
  const handler = new StylesHandler();
  const scanner = new XmlScanner(handler);
  scanner.write(xml);
  scanner.end();
  return handler.table();
}
