/**
 * xl/styles.xml → for each cell format (an index into <cellXfs>, the `s` of a cell or row), whether
 * a number in it shows as a date. Only <numFmts> and <cellXfs> matter; fonts, fills, differential
 * formats (<dxfs>, which hold <numFmt>s of their own) and the rest are skipped. A custom <numFmt>
 * with the format's numFmtId wins over the built-in meaning of that id (§18.8.30–31).
 */
import { MarkupFilter } from './markupFilter';
import { isBuiltInDateFormat, isDateFormatCode } from './numberFormats';
import { NS_SML, XmlScanner, type XmlHandler } from './xmlScanner';
import { XmlError, decodeAttribute, parseIntBytes } from './xmlText';

export class StyleTable {
  constructor(
    /** Per cell format id: 1 when numbers in it are dates. */
    private readonly dates: Uint8Array,
  ) {}

  static readonly EMPTY = new StyleTable(new Uint8Array(0));

  get size(): number {
    return this.dates.length;
  }

  has(id: number): boolean {
    return id >= 0 && id < this.dates.length;
  }

  /** Numbers in format `id` show as dates; an id the table lacks is General (not a date). */
  isDate(id: number): boolean {
    return this.dates[id] === 1;
  }
}

const STYLE_SHEET = Buffer.from('styleSheet');
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
  /** Nesting below <styleSheet>: 1 for its children. */
  private level = 0;
  private inNumFmts = false;
  private inCellXfs = false;

  openTag(s: XmlScanner): void {
    this.level++;
    if (this.level === 1) {
      if (!s.localNameIs(STYLE_SHEET)) throw new XmlError(`the styles part's root is <${s.qualifiedName()}>, not <styleSheet>`);
      return;
    }
    if (this.level === 2) {
      this.inNumFmts = s.localNameIs(NUM_FMTS);
      this.inCellXfs = s.localNameIs(CELL_XFS);
      return;
    }
    if (this.level !== 3) return;
    if (this.inNumFmts && s.localNameIs(NUM_FMT)) {
      const id = this.intAttr(s, NUM_FMT_ID);
      const code = s.findAttr(FORMAT_CODE);
      if (code === -1 || Number.isNaN(id)) return;
      this.customFormats.set(id, decodeAttribute(s.buf, s.attrs[code * 4 + 2]!, s.attrs[code * 4 + 3]!));
    } else if (this.inCellXfs && s.localNameIs(XF)) {
      const id = this.intAttr(s, NUM_FMT_ID);
      this.xfFormatIds.push(Number.isNaN(id) ? 0 : id);
    }
  }

  closeTag(): void {
    if (this.level === 2) {
      this.inNumFmts = false;
      this.inCellXfs = false;
    }
    this.level--;
  }

  text(): void {}

  cdata(): void {}

  table(): StyleTable {
    const count = this.xfFormatIds.length;
    const dates = new Uint8Array(count);
    for (let id = 0; id < count; id++) {
      const formatId = this.xfFormatIds[id]!;
      const custom = this.customFormats.get(formatId);
      dates[id] = (custom !== undefined ? isDateFormatCode(custom) : isBuiltInDateFormat(formatId)) ? 1 : 0;
    }
    return new StyleTable(dates);
  }

  private intAttr(s: XmlScanner, name: Buffer): number {
    const index = s.findAttr(name);
    return index === -1 ? NaN : parseIntBytes(s.buf, s.attrs[index * 4 + 2]!, s.attrs[index * 4 + 3]!, true);
  }
}

/** Parses a whole styles.xml held in memory (tests; the reader streams it). */
export function parseStyles(xml: Buffer): StyleTable {
  const handler = new StylesHandler();
  const scanner = new XmlScanner(new MarkupFilter(handler, NS_SML, 'styleSheet'));
  scanner.write(xml);
  scanner.end();
  return handler.table();
}
