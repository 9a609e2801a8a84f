/**
 * xl/sharedStrings.xml → the table `t="s"` cells point into: one string per `<si>`, read by
 * RichTextReader (text only from `<t>`, rich runs joined, phonetic runs skipped, `_xHHHH_`
 * decoded, trimmed unless `xml:space="preserve"`). An `<si>` without any `<t>` is the empty string.
 */
import { RichTextReader, xmlSpaceOf } from './stringItem';
import type { XmlHandler, XmlScanner } from './xmlScanner';

export { MAX_TEXT_BYTES } from './stringItem';

const SST = Buffer.from('sst');
const SI = Buffer.from('si');

export class SharedStringsHandler implements XmlHandler {
  readonly strings: string[] = [];
  private inItem = false;
  /** xml:space declared on <sst>, inherited by every item. */
  private preserveAll = false;
  private readonly item = new RichTextReader();

  openTag(s: XmlScanner): void {
    if (this.inItem) this.item.openTag(s);
    else if (s.localNameIs(SI)) {
      this.inItem = true;
      this.item.begin(s, this.preserveAll);
    } else if (s.localNameIs(SST)) {
      this.preserveAll = xmlSpaceOf(s) ?? false;
    }
  }

  closeTag(s: XmlScanner): void {
    if (!this.inItem) return;
    if (s.localNameIs(SI)) {
      this.inItem = false;
      this.strings.push(this.item.end());
    } else {
      this.item.closeTag(s);
    }
  }

  text(buf: Buffer, start: number, end: number, ends: boolean): void {
    if (this.inItem) this.item.text(buf, start, end, ends);
  }

  cdata(buf: Buffer, start: number, end: number): void {
    if (this.inItem) this.item.cdata(buf, start, end);
  }
}
