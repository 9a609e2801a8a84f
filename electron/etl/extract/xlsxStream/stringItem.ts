/**
 * Text of SpreadsheetML string content, as ECMA-376 Part 1 and Excel define it.
 *
 * TextCollector gathers the character data of one element (`<t>`, `<v>`, `<f>`) without building
 * strings on the way: while the text sits whole in one chunk it only remembers where; text cut by
 * chunk boundaries or mixed with CDATA goes to an accumulator.
 *
 * RichTextReader reads one string item, `<si>` (shared strings, §18.4.8) or `<is>` (an inline
 * string, §18.3.1.53), both CT_Rst: its text is the `<t>` directly inside it, or the `<t>` of each
 * rich-text run `<r>` joined in order. Nothing else is text: white space between elements (an
 * indenting writer's line breaks) never is, run properties never are, and phonetic runs `<rPh>`
 * (the reading of Japanese text) are not part of the value. Each `<t>` is decoded once (references,
 * §2.3 line ends), trimmed unless `xml:space="preserve"` (Excel's behaviour), then its `_xHHHH_`
 * escapes are decoded.
 */
import type { XmlScanner } from './xmlScanner';
import { ByteAccumulator, XmlError, decodeAttribute, decodeEscapes, decodeText, trimXmlSpace } from './xmlText';

/** Excel allows 32,767 characters in a cell; anything far beyond is not a real workbook. */
export const MAX_TEXT_BYTES = 32 * 1024 ** 2;

const EMPTY = Buffer.alloc(0);
const T = 0x74;
const R = 0x72;
const RUN_PHONETIC = Buffer.from('rPh');
const XML_SPACE = Buffer.from('xml:space');
const PRESERVE = Buffer.from('preserve');
const DEFAULT = Buffer.from('default');

export class TextCollector {
  private direct: Buffer | null = null;
  private directStart = 0;
  private directEnd = 0;
  private inAccumulator = false;
  private readonly accumulated: ByteAccumulator;

  constructor(maxBytes: number) {
    this.accumulated = new ByteAccumulator(maxBytes);
  }

  begin(): void {
    this.direct = null;
    this.inAccumulator = false;
  }

  append(buf: Buffer, start: number, end: number, ends: boolean): void {
    if (!this.inAccumulator) {
      if (this.direct === null && ends) {
        // The usual case: the whole text sits in this chunk; keep only where it is.
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

  /** CDATA content is literal text: its `&` stays an `&` through decoding. */
  appendCdata(buf: Buffer, start: number, end: number): void {
    this.toAccumulator();
    this.accumulated.appendLiteral(buf, start, end);
    this.accumulated.endSegment();
  }

  get isEmpty(): boolean {
    return this.inAccumulator ? this.accumulated.length === 0 : this.direct === null;
  }

  /** The raw bytes gathered, for parsing without a string: [buffer, start, end]. */
  bytes(): Buffer {
    return this.inAccumulator ? this.accumulated.bytes : (this.direct ?? EMPTY);
  }

  start(): number {
    return this.inAccumulator ? 0 : this.directStart;
  }

  end(): number {
    return this.inAccumulator ? this.accumulated.length : this.direct === null ? 0 : this.directEnd;
  }

  /** The text with references resolved (no trimming, no escapes). */
  decoded(): string {
    return decodeText(this.bytes(), this.start(), this.end());
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
}

/**
 * `xml:space` on the current element: true for "preserve", false for "default", undefined when
 * absent (the value in scope then applies; XML 1.0 §2.10).
 */
export function xmlSpaceOf(s: XmlScanner): boolean | undefined {
  const index = s.findAttr(XML_SPACE);
  if (index === -1) return undefined;
  const start = s.attrs[index * 4 + 2]!;
  const end = s.attrs[index * 4 + 3]!;
  const value = s.buf.subarray(start, end);
  if (value.equals(PRESERVE)) return true;
  if (value.equals(DEFAULT)) return false;
  const decoded = decodeAttribute(s.buf, start, end);
  if (decoded === 'preserve') return true;
  if (decoded === 'default') return false;
  throw new XmlError(`xml:space=${JSON.stringify(decoded.slice(0, 16))} (only "preserve" or "default" are allowed)`);
}

/** The value of a text element: decoded, trimmed unless preserved, escapes decoded. */
export function elementText(collector: TextCollector, preserve: boolean): string {
  const text = collector.decoded();
  return decodeEscapes(preserve ? text : trimXmlSpace(text));
}

export class RichTextReader {
  private value = '';
  private inText = false;
  private phonetic = 0;
  private itemPreserve = false;
  private runPreserve: boolean | undefined;
  private textPreserve = false;
  private readonly collector = new TextCollector(MAX_TEXT_BYTES);

  /** At `<si>` / `<is>`. */
  begin(s: XmlScanner, inherited = false): void {
    this.value = '';
    this.inText = false;
    this.phonetic = 0;
    this.runPreserve = undefined;
    this.itemPreserve = xmlSpaceOf(s) ?? inherited;
  }

  /** A SpreadsheetML start tag inside the item. */
  openTag(s: XmlScanner): void {
    const length = s.nameEnd - s.localStart;
    if (length === 1) {
      const b = s.buf[s.localStart];
      if (b === T) {
        if (this.phonetic !== 0 || this.inText) return;
        this.inText = true;
        this.textPreserve = xmlSpaceOf(s) ?? this.runPreserve ?? this.itemPreserve;
        this.collector.begin();
      } else if (b === R) {
        this.runPreserve = xmlSpaceOf(s);
      }
    } else if (s.localNameIs(RUN_PHONETIC)) {
      this.phonetic++;
    }
  }

  /** A SpreadsheetML end tag inside the item (not the item's own). */
  closeTag(s: XmlScanner): void {
    const length = s.nameEnd - s.localStart;
    if (length === 1) {
      const b = s.buf[s.localStart];
      if (b === T && this.inText) {
        this.inText = false;
        const piece = elementText(this.collector, this.textPreserve);
        if (this.value.length + piece.length > MAX_TEXT_BYTES) throw new XmlError(`a string longer than ${MAX_TEXT_BYTES / 1024 ** 2} MiB`);
        this.value = this.value === '' ? piece : this.value + piece;
      } else if (b === R) {
        this.runPreserve = undefined;
      }
    } else if (this.phonetic > 0 && s.localNameIs(RUN_PHONETIC)) {
      this.phonetic--;
    }
  }

  text(buf: Buffer, start: number, end: number, ends: boolean): void {
    if (this.inText) this.collector.append(buf, start, end, ends);
  }

  cdata(buf: Buffer, start: number, end: number): void {
    if (this.inText) this.collector.appendCdata(buf, start, end);
  }

  /** At `</si>` / `</is>`: the item's text. */
  end(): string {
    return this.value;
  }
}
