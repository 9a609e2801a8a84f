/**
 * What a part's handler sees of its XML: only the elements of the one namespace it reads
 * (SpreadsheetML, or package relationships), after Markup Compatibility (ECMA-376 Part 3) has been
 * applied the way Excel applies it.
 *
 * - An element of any other namespace is skipped with everything inside it. Excel skips the
 *   namespaces a part declares `mc:Ignorable` (x14ac, xr, … on every Excel-written sheet); one it
 *   neither understands nor may ignore makes Excel repair the file, which drops that element too.
 *   Either way its content is never data: `<ext:c r="Z1"><ext:v>7</ext:v></ext:c>` inside a row is
 *   not a cell, and text of a foreign element inside `<si>` is not part of the string.
 * - `mc:AlternateContent`: the first `mc:Choice` whose `Requires` namespaces the consumer
 *   understands is read as if its children stood in place of the whole block; otherwise the
 *   `mc:Fallback`. Excel understands SpreadsheetML and its own extension namespaces
 *   (http://schemas.microsoft.com/office/…), so a Choice requiring those is the one Excel reads.
 *
 * A part whose root element has no namespace at all is read as if it were SpreadsheetML (see
 * openTag). Handlers behind this filter must follow structure by element names and their own flags, never by
 * `scanner.depth`: a chosen branch sits two levels deeper than the elements it stands for.
 */
import { NS_MC, NS_NONE, NS_REL, NS_SML, type XmlHandler, type XmlScanner } from './xmlScanner';
import { XmlError, decodeAttribute } from './xmlText';

const ALTERNATE_CONTENT = Buffer.from('AlternateContent');
const CHOICE = Buffer.from('Choice');
const FALLBACK = Buffer.from('Fallback');
const REQUIRES = Buffer.from('Requires');

/** Namespaces a Choice may require for Excel to take it. */
function excelUnderstands(scanner: XmlScanner, ns: number): boolean {
  if (ns === NS_SML || ns === NS_REL || ns === NS_MC) return true;
  return ns >= 0 && scanner.namespaceUri(ns).startsWith('http://schemas.microsoft.com/office/');
}

export class MarkupFilter implements XmlHandler {
  /** Depth of the element being skipped (with its subtree); 0 when nothing is. */
  private skipping = 0;
  /** Per open mc:AlternateContent (innermost last): its depth, and whether a branch was taken. */
  private readonly blockDepth: number[] = [];
  private readonly blockTaken: boolean[] = [];
  private rootSeen = false;

  constructor(
    private readonly inner: XmlHandler,
    /** The namespace id whose elements the handler reads. */
    private reads: number,
    /** Local name of the root element the part must have, for the message when it does not. */
    private readonly root: string,
  ) {}

  openTag(s: XmlScanner): void {
    if (this.skipping !== 0) return;
    const ns = s.ns;
    if (ns === this.reads) {
      this.rootSeen = true;
      this.inner.openTag(s);
      return;
    }
    if (!this.rootSeen) {
      // A hand-made part without any namespace declaration (`<worksheet>` alone): its unprefixed
      // elements are read as SpreadsheetML. Nothing in it can be mistaken for another namespace's
      // element, so no value can come out wrong; any prefixed element is still foreign.
      if (ns === NS_NONE && s.localNameIs(Buffer.from(this.root))) {
        this.reads = NS_NONE;
        this.rootSeen = true;
        this.inner.openTag(s);
        return;
      }
      const uri = s.namespaceUri(ns);
      throw new XmlError(`the part's root element is <${s.qualifiedName()}>${uri ? ` of namespace ${uri}` : ' of no namespace'}, not SpreadsheetML's <${this.root}>`);
    }
    if (ns === NS_MC) {
      const blocks = this.blockDepth.length;
      if (s.localNameIs(ALTERNATE_CONTENT)) {
        this.blockDepth.push(s.depth);
        this.blockTaken.push(false);
        return;
      }
      const inBlock = blocks > 0 && this.blockDepth[blocks - 1] === s.depth - 1;
      if (inBlock && !this.blockTaken[blocks - 1]) {
        if (s.localNameIs(CHOICE) && this.choiceUnderstood(s)) {
          this.blockTaken[blocks - 1] = true;
          return;
        }
        if (s.localNameIs(FALLBACK)) {
          this.blockTaken[blocks - 1] = true;
          return;
        }
      }
    }
    this.skipping = s.depth;
  }

  closeTag(s: XmlScanner): void {
    if (this.skipping !== 0) {
      if (s.depth === this.skipping) this.skipping = 0;
      return;
    }
    const ns = s.ns;
    if (ns === this.reads) {
      this.inner.closeTag(s);
      return;
    }
    const blocks = this.blockDepth.length;
    if (ns === NS_MC && blocks > 0 && this.blockDepth[blocks - 1] === s.depth) {
      this.blockDepth.pop();
      this.blockTaken.pop();
    }
  }

  text(buf: Buffer, start: number, end: number, ends: boolean): void {
    if (this.skipping === 0) this.inner.text(buf, start, end, ends);
  }

  cdata(buf: Buffer, start: number, end: number): void {
    if (this.skipping === 0) this.inner.cdata(buf, start, end);
  }

  fastElement(buf: Buffer, lt: number, ns: number): number {
    // Only an element of the namespace the handler reads, outside anything being skipped.
    if (this.skipping !== 0 || ns !== this.reads || !this.rootSeen || !this.inner.fastElement) return -1;
    return this.inner.fastElement(buf, lt, ns);
  }

  private choiceUnderstood(s: XmlScanner): boolean {
    const index = s.findAttrNs(NS_NONE, REQUIRES);
    if (index === -1) return false;
    const text = decodeAttribute(s.buf, s.attrs[index * 4 + 2]!, s.attrs[index * 4 + 3]!);
    const required = s.prefixListNs(text);
    return required.length > 0 && required.every((ns) => excelUnderstands(s, ns));
  }
}
