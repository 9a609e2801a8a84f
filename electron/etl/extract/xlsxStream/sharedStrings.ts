/**
 * xl/sharedStrings.xml → the table `t="s"` cells point into. Each <si> is either plain text
 * (`<t>`) or rich text (`<r>` runs, joined), with the exact text rules of exceljs's streaming
 * reader, so values match it to the character: text after a `</t>` (until the next `<t>` or
 * `</r>`) belongs to the string, text after the last run does not, and an <si> with no text at
 * all is an empty cell (undefined), while a run-only <si> with no text is ''.
 *
 * One deliberate difference: phonetic runs (`<rPh>`, the reading of Japanese text) are skipped.
 * exceljs lets an `<rPh><t>` replace the text it follows, so a cell typed as 漢字 would read as
 * its reading かんじ; SPEC §4 rule 6 keeps text as typed.
 */
import type { XmlHandler, XmlScanner } from './xmlScanner';
import { ByteAccumulator, decodeText } from './xmlText';

/** Excel allows 32,767 characters in a cell; anything far beyond is not a real workbook. */
export const MAX_TEXT_BYTES = 32 * 1024 ** 2;

const SI = Buffer.from('si');
const PHONETIC = Buffer.from('rPh');
const T = 0x74;
const R = 0x72;

/** undefined: an <si> without text (exceljs: an empty cell). */
export type SharedString = string | undefined;

export class SharedStringsHandler implements XmlHandler {
  readonly strings: SharedString[] = [];
  private inItem = false;
  private phoneticDepth = 0;
  /** exceljs's running `text`: reset at `<si>`, at each `<t>` and after each `</r>`. */
  private readonly current = new ByteAccumulator(MAX_TEXT_BYTES);
  private readonly runs = new ByteAccumulator(MAX_TEXT_BYTES);
  private runCount = 0;

  openTag(s: XmlScanner): void {
    const length = s.nameEnd - s.localStart;
    if (length === 1) {
      if (s.buf[s.localStart] === T && this.phoneticDepth === 0) this.current.reset();
    } else if (s.localNameIs(SI)) {
      this.inItem = true;
      this.phoneticDepth = 0;
      this.runCount = 0;
      this.runs.reset();
      this.current.reset();
    } else if (s.localNameIs(PHONETIC)) {
      this.phoneticDepth++;
    }
  }

  closeTag(s: XmlScanner): void {
    const length = s.nameEnd - s.localStart;
    if (length === 1) {
      if (s.buf[s.localStart] === R && this.inItem && this.phoneticDepth === 0) {
        this.runs.append(this.current.bytes, 0, this.current.length);
        this.runs.endSegment();
        this.runCount++;
        this.current.reset();
      }
    } else if (s.localNameIs(PHONETIC)) {
      if (this.phoneticDepth > 0) this.phoneticDepth--;
    } else if (s.localNameIs(SI)) {
      this.inItem = false;
      if (this.runCount > 0) this.strings.push(decodeText(this.runs.bytes, 0, this.runs.length));
      else this.strings.push(this.current.length === 0 ? undefined : decodeText(this.current.bytes, 0, this.current.length));
    }
  }

  text(buf: Buffer, start: number, end: number, ends: boolean): void {
    if (!this.inItem || this.phoneticDepth > 0) return;
    this.current.append(buf, start, end);
    if (ends) this.current.endSegment();
  }

  cdata(buf: Buffer, start: number, end: number): void {
    if (!this.inItem || this.phoneticDepth > 0) return;
    this.current.appendLiteral(buf, start, end);
    this.current.endSegment();
  }
}
