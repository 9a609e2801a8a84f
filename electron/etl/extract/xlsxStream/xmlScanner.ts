/**
 * A streaming, allocation-light XML tokenizer for the parts of an .xlsx file.
 *
 * It is fed inflated chunks as they come and calls its handler for each start tag, end tag, piece
 * of character data and CDATA section, with byte ranges into the chunk instead of strings. A tag
 * (or comment, CDATA section, processing instruction) cut by a chunk boundary is held back and
 * parsed once its end has arrived; finding that end is resumable, so a long tag costs linear time.
 * Text cut by a chunk boundary is handed over in pieces (`ends` false on all but the last).
 *
 * It checks what matters for safety and for not losing data silently: one root element, start and
 * end tags that match, no text outside the root, quoted attribute values, and no DOCTYPE (so no
 * entity can ever be declared, let alone expanded). It does not validate every character rule of
 * the XML specification.
 *
 * Namespaces (Namespaces in XML 1.0): every element is resolved to its namespace URI, interned as a
 * small integer (`ns`), from the `xmlns` / `xmlns:p` declarations in scope. OOXML consumers match
 * elements by namespace URI, never by prefix: `<x:row>` and `<row>` are the same element when both
 * prefixes are bound to SpreadsheetML, and an element of another namespace is not a row at all,
 * whatever its local name. Transitional and Strict SpreadsheetML URIs intern to the same id.
 * Resolution costs one comparison for unprefixed names (the usual case); prefixes are looked up in
 * a short stack of the bindings in scope.
 */
import { XmlCutOffError, XmlError } from './xmlText';

/** Interned namespace ids; URIs the reader does not know get ids from FIRST_OTHER_NS on. */
export const NS_NONE = 0;
export const NS_XML = 1;
export const NS_XMLNS = 2;
/** SpreadsheetML main, Transitional (ECMA-376 Part 1) and Strict alike. */
export const NS_SML = 3;
/** Office document relationships (the `r:id` attributes), Transitional and Strict. */
export const NS_REL = 4;
/** Package relationships (`_rels/*.rels`, OPC, ECMA-376 Part 2). */
export const NS_PKG_REL = 5;
/** Markup Compatibility and Extensibility (ECMA-376 Part 3). */
export const NS_MC = 6;
const FIRST_OTHER_NS = 16;

const KNOWN_NAMESPACES: ReadonlyMap<string, number> = new Map([
  ['http://www.w3.org/XML/1998/namespace', NS_XML],
  ['http://www.w3.org/2000/xmlns/', NS_XMLNS],
  ['http://schemas.openxmlformats.org/spreadsheetml/2006/main', NS_SML],
  ['http://purl.oclc.org/ooxml/spreadsheetml/main', NS_SML],
  ['http://schemas.openxmlformats.org/officeDocument/2006/relationships', NS_REL],
  ['http://purl.oclc.org/ooxml/officeDocument/relationships', NS_REL],
  ['http://schemas.openxmlformats.org/package/2006/relationships', NS_PKG_REL],
  ['http://schemas.openxmlformats.org/markup-compatibility/2006', NS_MC],
]);

const XMLNS = Buffer.from('xmlns', 'latin1');
const XML_PREFIX = Buffer.from('xml', 'latin1');

export interface XmlHandler {
  /** A start tag; name and attributes are readable on the scanner during the call. */
  openTag(scanner: XmlScanner): void;
  /** An end tag (also called right after openTag for `<empty/>`). */
  closeTag(scanner: XmlScanner): void;
  /**
   * Character data buf[start, end), raw: references are not yet resolved. `ends` is true when markup
   * follows; false when the chunk ended inside the text and more of it will follow. An empty range
   * with `ends` true closes text that an earlier chunk left open.
   */
  text(buf: Buffer, start: number, end: number, ends: boolean): void;
  /** The content of a CDATA section (its bytes are literal text). */
  cdata(buf: Buffer, start: number, end: number): void;
  /**
   * Optional: read the unprefixed element starting at buf[lt] whole, without events, when its
   * shape is one the handler knows (`ns`: the default namespace it inherits). Returns the index
   * after the element, or -1 to have it scanned the generic way.
   */
  fastElement?(buf: Buffer, lt: number, ns: number): number;
}

/** A single tag, comment or CDATA section longer than this is refused (real ones are tiny). */
const MAX_MARKUP_BYTES = 16 * 1024 ** 2;
const MAX_DEPTH = 1024;

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const COLON = 0x3a;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;

const COMMENT_OPEN = Buffer.from('<!--', 'latin1');
const CDATA_OPEN = Buffer.from('<![CDATA[', 'latin1');
const DOCTYPE_OPEN = Buffer.from('<!DOCTYPE', 'latin1');
const COMMENT_CLOSE = Buffer.from('-->', 'latin1');
const CDATA_CLOSE = Buffer.from(']]>', 'latin1');
const PI_CLOSE = Buffer.from('?>', 'latin1');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Byte classes inside tags, one table lookup per byte on the hot path. */
const C_NAME = 0;
const C_SPACE = 1;
const C_COLON = 2;
/** Ends a name: `>`, `/`, `=`. */
const C_STOP = 3;
/** Never part of a name: `<`, quotes. */
const C_BAD = 4;
const BYTE_CLASS = new Uint8Array(256);
for (const b of [0x20, 0x0a, 0x0d, 0x09]) BYTE_CLASS[b] = C_SPACE;
BYTE_CLASS[COLON] = C_COLON;
for (const b of [GT, SLASH, EQUALS]) BYTE_CLASS[b] = C_STOP;
for (const b of [LT, DQUOTE, SQUOTE]) BYTE_CLASS[b] = C_BAD;

type PendingKind = 'short' | 'tag' | 'comment' | 'cdata' | 'pi';

export class XmlScanner {
  /** The buffer the current tag's ranges point into. */
  buf: Buffer = Buffer.alloc(0);
  nameStart = 0;
  nameEnd = 0;
  /** Start of the local name (after any `prefix:`). */
  localStart = 0;
  /** Depth of the current element: 1 for the root. */
  depth = 0;
  attrCount = 0;
  /** Per attribute: name start, name end, value start, value end. */
  attrs = new Int32Array(64);
  /** Namespace id of the current element (see NS_*). */
  ns = NS_NONE;

  private readonly nameHashes = new Int32Array(MAX_DEPTH);
  private readonly nameLengths = new Int32Array(MAX_DEPTH);
  /** Namespace id of the open element at each depth (index depth - 1). */
  private readonly nsAt = new Int32Array(MAX_DEPTH);
  /** Default namespace in force for the children of the element at each depth (index 0: none declared). */
  private readonly defaultNs = new Int32Array(MAX_DEPTH + 1);
  /** Prefix bindings in scope, innermost last: prefix bytes, namespace id, depth of the declaring element. */
  private prefixes: Buffer[] = [XML_PREFIX];
  private prefixNs: number[] = [NS_XML];
  private prefixDepth: number[] = [0];
  private readonly uris = new Map<string, number>(KNOWN_NAMESPACES);
  private readonly uriOf: string[] = [];
  private rootSeen = false;
  private textOpen = false;
  private atStart = true;
  /** Bytes of earlier buffers already consumed, for positions in messages. */
  private offset = 0;

  private pending: Buffer[] | null = null;
  private pendingBytes = 0;
  private pendingKind: PendingKind = 'short';
  private pendingQuote = 0;
  private pendingTail: Buffer = Buffer.alloc(0);

  private readonly fast: boolean;

  constructor(private readonly handler: XmlHandler) {
    for (const [uri, id] of KNOWN_NAMESPACES) this.uriOf[id] ??= uri;
    this.fast = typeof handler.fastElement === 'function';
  }

  /** The URI of an interned namespace id ('' for none). */
  namespaceUri(id: number): string {
    return this.uriOf[id] ?? '';
  }

  /** The qualified name of the current element, for messages (at most 64 characters). */
  qualifiedName(): string {
    return this.buf.toString('latin1', this.nameStart, Math.min(this.nameEnd, this.nameStart + 64));
  }

  /** Namespace id of attribute `a` of the current start tag: unprefixed attributes have none. */
  attrNs(a: number): number {
    const start = this.attrs[a * 4]!;
    const end = this.attrs[a * 4 + 1]!;
    for (let i = start; i < end; i++) {
      if (this.buf[i] === COLON) {
        if (i - start === XMLNS.length && startsWith(this.buf, start, XMLNS)) return NS_XMLNS;
        return this.lookupPrefix(this.buf, start, i, this.depth);
      }
    }
    return NS_NONE;
  }

  /** Local name of attribute `a` equals `word`. */
  attrLocalNameIs(a: number, word: Buffer): boolean {
    const start = this.attrs[a * 4]!;
    const end = this.attrs[a * 4 + 1]!;
    let local = start;
    for (let i = start; i < end; i++) if (this.buf[i] === COLON) local = i + 1;
    if (end - local !== word.length) return false;
    for (let i = 0; i < word.length; i++) if (this.buf[local + i] !== word[i]) return false;
    return true;
  }

  /** Index of the attribute in namespace `ns` with local name `word`, or -1. */
  findAttrNs(ns: number, word: Buffer): number {
    for (let a = 0; a < this.attrCount; a++) {
      if (this.attrLocalNameIs(a, word) && this.attrNs(a) === ns) return a;
    }
    return -1;
  }

  /** The namespace ids a whitespace-separated list of prefixes (mc:Requires, mc:Ignorable) stands for; -1 for an unbound prefix. */
  prefixListNs(text: string): number[] {
    const ids: number[] = [];
    for (const prefix of text.split(/[ \t\r\n]+/)) {
      if (prefix === '') continue;
      const bytes = Buffer.from(prefix, 'utf8');
      ids.push(this.lookupPrefix(bytes, 0, bytes.length, this.depth, false));
    }
    return ids;
  }

  write(chunk: Buffer): void {
    if (chunk.length === 0) return;
    let buf = chunk;
    let rest: Buffer | undefined;
    if (this.pending) {
      const tagEnd = this.pendingKind === 'tag' ? this.pendingTagEnd(chunk) : -1;
      if (this.pendingKind !== 'short' && tagEnd === -1 && (this.pendingKind === 'tag' || !this.pendingEndsIn(chunk))) {
        this.pending.push(chunk);
        this.pendingBytes += chunk.length;
        if (this.pendingBytes > MAX_MARKUP_BYTES) {
          throw new XmlError(`a tag or comment longer than ${MAX_MARKUP_BYTES / 1024 ** 2} MiB at byte ${this.offset}`);
        }
        return;
      }
      // A held-back tag is joined only with the chunk's bytes up to the next '<' after it (text at
      // most), and the rest of the chunk is scanned where it lies, as if the chunk had been cut
      // there: joining the whole chunk copied nearly every inflated byte once more into a fresh
      // buffer, and that memory triggered full collections (39 against 8 reading the generator's
      // million-row workbook, --trace-gc).
      const cut = tagEnd === -1 ? -1 : chunk.indexOf(LT, tagEnd + 1);
      const head = cut === -1 ? chunk : chunk.subarray(0, cut);
      if (cut !== -1) rest = chunk.subarray(cut);
      this.pending.push(head);
      buf = Buffer.concat(this.pending, this.pendingBytes + head.length);
      this.pending = null;
    }
    if (this.atStart) {
      if (buf.length < BOM.length && BOM.subarray(0, buf.length).equals(buf)) {
        this.stash(buf, 0);
        return;
      }
      this.atStart = false;
      if (buf.subarray(0, 3).equals(BOM)) buf = buf.subarray(3);
    }
    this.scan(buf);
    // The joined head ends in text (its last '<' is the held-back tag's), so nothing is held back.
    if (rest) this.scan(rest);
  }

  /** The input is complete: anything still open means the part was cut off. */
  end(): void {
    if (this.pending || this.depth > 0 || !this.rootSeen) {
      throw new XmlCutOffError(this.rootSeen ? `the XML stops inside an element after ${this.offset} bytes` : 'the part holds no XML element');
    }
  }

  /** The current element's local name equals `word`. */
  localNameIs(word: Buffer): boolean {
    const length = this.nameEnd - this.localStart;
    if (length !== word.length) return false;
    const buf = this.buf;
    for (let i = 0; i < length; i++) if (buf[this.localStart + i] !== word[i]) return false;
    return true;
  }

  /** Index of the attribute whose (qualified) name equals `word`, or -1. */
  findAttr(word: Buffer): number {
    const buf = this.buf;
    const attrs = this.attrs;
    for (let a = 0; a < this.attrCount; a++) {
      const start = attrs[a * 4]!;
      if (attrs[a * 4 + 1]! - start !== word.length) continue;
      let same = true;
      for (let i = 0; i < word.length; i++) {
        if (buf[start + i] !== word[i]) {
          same = false;
          break;
        }
      }
      if (same) return a;
    }
    return -1;
  }

  private scan(buf: Buffer): void {
    this.buf = buf;
    const length = buf.length;
    let pos = 0;
    while (pos < length) {
      // A JavaScript loop beats Buffer#indexOf here: the text between two tags is mostly 0-10 bytes.
      let lt = pos;
      while (lt < length && buf[lt] !== LT) lt++;
      if (lt === length) {
        this.emitText(buf, pos, length, false);
        break;
      }
      if (lt > pos || this.textOpen) this.emitText(buf, pos, lt, true);
      // lt + 1 < length first: reading one past the chunk's end deoptimised scan ("out of
      // bounds", --trace-deopt) once per cold read, and each re-optimisation recompiled it.
      if (this.fast && this.depth > 0 && lt + 1 < length) {
        const second = buf[lt + 1]!;
        if (second !== SLASH && second !== BANG && second !== QUESTION) {
          const after = (this.handler.fastElement as NonNullable<XmlHandler['fastElement']>)(buf, lt, this.defaultNs[this.depth]!);
          if (after !== -1) {
            pos = after;
            continue;
          }
        }
      }
      const next = this.markup(buf, lt);
      if (next === -1) {
        this.stash(buf, lt);
        this.offset += lt;
        return;
      }
      pos = next;
    }
    this.offset += length;
  }

  private emitText(buf: Buffer, start: number, end: number, ends: boolean): void {
    if (this.depth === 0) {
      for (let i = start; i < end; i++) {
        if (!isSpace(buf[i]!)) throw new XmlError(`text outside the root element at byte ${this.offset + i}`);
      }
      return;
    }
    this.textOpen = !ends;
    this.handler.text(buf, start, end, ends);
  }

  /** Parses the markup starting at `lt`; returns the index after it, or -1 when it is incomplete. */
  private markup(buf: Buffer, lt: number): number {
    const length = buf.length;
    if (lt + 1 >= length) return -1;
    const second = buf[lt + 1]!;
    if (second === SLASH) return this.endTag(buf, lt);
    if (second === QUESTION) {
      const close = buf.indexOf(PI_CLOSE, lt + 2);
      return close === -1 ? -1 : close + 2;
    }
    if (second === BANG) return this.declaration(buf, lt);
    return this.startTag(buf, lt);
  }

  private declaration(buf: Buffer, lt: number): number {
    const available = buf.length - lt;
    if (startsWith(buf, lt, COMMENT_OPEN)) {
      const close = buf.indexOf(COMMENT_CLOSE, lt + COMMENT_OPEN.length);
      return close === -1 ? -1 : close + COMMENT_CLOSE.length;
    }
    if (startsWith(buf, lt, CDATA_OPEN)) {
      if (this.depth === 0) throw new XmlError(`a CDATA section outside the root element at byte ${this.offset + lt}`);
      const start = lt + CDATA_OPEN.length;
      const close = buf.indexOf(CDATA_CLOSE, start);
      if (close === -1) return -1;
      this.handler.cdata(buf, start, close);
      return close + CDATA_CLOSE.length;
    }
    const couldStillBe = (word: Buffer) => available < word.length && buf.subarray(lt, buf.length).equals(word.subarray(0, available));
    if (couldStillBe(COMMENT_OPEN) || couldStillBe(CDATA_OPEN) || couldStillBe(DOCTYPE_OPEN)) return -1;
    if (startsWith(buf, lt, DOCTYPE_OPEN)) {
      // saxes (under exceljs) would read the DOCTYPE and then fail on its entities as undefined;
      // we refuse the declaration itself, so nothing in it is ever looked at, let alone expanded.
      throw new XmlError(
        `a DOCTYPE declaration at byte ${this.offset + lt}; workbooks never contain one, so it is refused and any entity it declares stays an undefined entity, never expanded`,
      );
    }
    throw new XmlError(`an unexpected "<!" declaration at byte ${this.offset + lt}`);
  }

  private endTag(buf: Buffer, lt: number): number {
    const length = buf.length;
    let p = lt + 2;
    let hash = 0;
    let local = p;
    for (; p < length; p++) {
      const b = buf[p]!;
      if (b === GT || isSpace(b)) break;
      if (b === COLON) local = p + 1;
      hash = (Math.imul(hash, 31) + b) | 0;
    }
    const nameEnd = p;
    while (p < length && isSpace(buf[p]!)) p++;
    if (p >= length) return -1;
    if (buf[p] !== GT || nameEnd === lt + 2) throw new XmlError(`a malformed end tag at byte ${this.offset + lt}`);
    const depth = this.depth;
    if (depth === 0 || this.nameHashes[depth - 1] !== hash || this.nameLengths[depth - 1] !== nameEnd - lt - 2) {
      throw new XmlError(`an end tag </${buf.toString('latin1', lt + 2, Math.min(nameEnd, lt + 66))}> that closes no open element, at byte ${this.offset + lt}`);
    }
    this.buf = buf;
    this.nameStart = lt + 2;
    this.nameEnd = nameEnd;
    this.localStart = local;
    this.attrCount = 0;
    this.ns = this.nsAt[depth - 1]!;
    this.handler.closeTag(this);
    this.closed(depth);
    return p + 1;
  }

  /** The element at `depth` has been closed: its bindings go out of scope. */
  private closed(depth: number): void {
    this.depth = depth - 1;
    let count = this.prefixDepth.length;
    if (this.prefixDepth[count - 1]! >= depth) {
      while (count > 1 && this.prefixDepth[count - 1]! >= depth) count--;
      this.prefixes.length = count;
      this.prefixNs.length = count;
      this.prefixDepth.length = count;
    }
  }

  /** Binds the namespace declarations among the current start tag's attributes (at depth `depth`). */
  private declare(buf: Buffer, count: number, depth: number): void {
    const attrs = this.attrs;
    this.defaultNs[depth] = this.defaultNs[depth - 1]!;
    for (let a = 0; a < count; a++) {
      const start = attrs[a * 4]!;
      const end = attrs[a * 4 + 1]!;
      if (buf[start] !== 0x78 || end - start < XMLNS.length || !startsWith(buf, start, XMLNS)) continue;
      const uri = decodeNamespaceUri(buf, attrs[a * 4 + 2]!, attrs[a * 4 + 3]!);
      if (end - start === XMLNS.length) {
        this.defaultNs[depth] = uri === '' ? NS_NONE : this.intern(uri);
      } else if (buf[start + XMLNS.length] === COLON) {
        const prefix = Buffer.from(buf.subarray(start + XMLNS.length + 1, end));
        if (prefix.length === 0) throw new XmlError(`an empty namespace prefix at byte ${this.offset + start}`);
        // Namespaces in XML 1.1 undeclares with xmlns:p=""; 1.0 forbids it. Either way p is unbound below.
        this.prefixes.push(prefix);
        this.prefixNs.push(uri === '' ? -1 : this.intern(uri));
        this.prefixDepth.push(depth);
      }
    }
  }

  private intern(uri: string): number {
    let id = this.uris.get(uri);
    if (id === undefined) {
      id = FIRST_OTHER_NS + this.uris.size;
      if (this.uris.size > 10_000) throw new XmlError('more than 10,000 different namespaces');
      this.uris.set(uri, id);
      this.uriOf[id] = uri;
    }
    return id;
  }

  /** Namespace id bound to the prefix buf[start, end) at `depth`; an unbound prefix is an error (or -1). */
  private lookupPrefix(buf: Buffer, start: number, end: number, depth: number, strict = true): number {
    const length = end - start;
    for (let i = this.prefixes.length - 1; i >= 0; i--) {
      if (this.prefixDepth[i]! > depth) continue;
      const prefix = this.prefixes[i]!;
      if (prefix.length !== length) continue;
      let same = true;
      for (let k = 0; k < length; k++) {
        if (prefix[k] !== buf[start + k]) {
          same = false;
          break;
        }
      }
      if (same) {
        const id = this.prefixNs[i]!;
        if (id === -1 && strict) break;
        return id;
      }
    }
    if (!strict) return -1;
    throw new XmlError(`the namespace prefix "${buf.toString('latin1', start, Math.min(end, start + 32))}" is used but never declared (byte ${this.offset + start})`);
  }

  private startTag(buf: Buffer, lt: number): number {
    const length = buf.length;
    let p = lt + 1;
    let hash = 0;
    let local = p;
    for (; p < length; p++) {
      const b = buf[p]!;
      const kind = BYTE_CLASS[b]!;
      if (kind !== C_NAME) {
        if (kind === C_COLON) local = p + 1;
        else if (kind === C_SPACE || b === GT || b === SLASH) break;
        else throw new XmlError(`a malformed tag name at byte ${this.offset + lt}`);
      }
      hash = (Math.imul(hash, 31) + b) | 0;
    }
    if (p >= length) return -1;
    const nameEnd = p;
    if (nameEnd === lt + 1) throw new XmlError(`a "<" that starts no tag at byte ${this.offset + lt}`);
    let count = 0;
    let selfClosing = false;
    let declares = false;
    for (;;) {
      const before = p;
      while (p < length && isSpace(buf[p]!)) p++;
      if (p >= length) return -1;
      const b = buf[p]!;
      if (b === GT) {
        p += 1;
        break;
      }
      if (b === SLASH) {
        if (p + 1 >= length) return -1;
        if (buf[p + 1] !== GT) throw new XmlError(`a malformed tag at byte ${this.offset + lt}`);
        selfClosing = true;
        p += 2;
        break;
      }
      if (p === before) throw new XmlError(`attributes not separated by white space at byte ${this.offset + p}`);
      const attrName = p;
      if (buf[p] === 0x78) declares = true;
      while (p < length) {
        const kind = BYTE_CLASS[buf[p]!]!;
        if (kind !== C_NAME && kind !== C_COLON) break;
        p++;
      }
      if (p >= length) return -1;
      const attrNameEnd = p;
      while (p < length && isSpace(buf[p]!)) p++;
      if (p >= length) return -1;
      if (buf[p] !== EQUALS || attrNameEnd === attrName) throw new XmlError(`a malformed attribute at byte ${this.offset + attrName}`);
      p++;
      while (p < length && isSpace(buf[p]!)) p++;
      if (p >= length) return -1;
      const quote = buf[p]!;
      if (quote !== DQUOTE && quote !== SQUOTE) throw new XmlError(`an attribute value without quotes at byte ${this.offset + p}`);
      const valueStart = p + 1;
      let valueEnd = valueStart;
      for (; valueEnd < length; valueEnd++) {
        const c = buf[valueEnd]!;
        if (c === quote) break;
        if (c === LT) throw new XmlError(`a "<" inside an attribute value at byte ${this.offset + valueEnd}`);
      }
      if (valueEnd >= length) return -1;
      if (count * 4 + 4 > this.attrs.length) {
        const grown = new Int32Array(this.attrs.length * 2);
        grown.set(this.attrs);
        this.attrs = grown;
      }
      this.attrs[count * 4] = attrName;
      this.attrs[count * 4 + 1] = attrNameEnd;
      this.attrs[count * 4 + 2] = valueStart;
      this.attrs[count * 4 + 3] = valueEnd;
      count++;
      p = valueEnd + 1;
    }
    if (this.depth === 0) {
      if (this.rootSeen) throw new XmlError(`a second root element at byte ${this.offset + lt}`);
      this.rootSeen = true;
    }
    if (this.depth >= MAX_DEPTH) throw new XmlError(`elements nested more than ${MAX_DEPTH} deep`);
    this.nameHashes[this.depth] = hash;
    this.nameLengths[this.depth] = nameEnd - lt - 1;
    const depth = this.depth + 1;
    this.depth = depth;
    if (declares) this.declare(buf, count, depth);
    else this.defaultNs[depth] = this.defaultNs[depth - 1]!;
    const ns = local === lt + 1 ? this.defaultNs[depth]! : this.lookupPrefix(buf, lt + 1, local - 1, depth);
    this.nsAt[depth - 1] = ns;
    this.ns = ns;
    this.buf = buf;
    this.nameStart = lt + 1;
    this.nameEnd = nameEnd;
    this.localStart = local;
    this.attrCount = count;
    this.handler.openTag(this);
    if (selfClosing) {
      this.handler.closeTag(this);
      this.closed(depth);
    }
    return p;
  }

  /** Keeps buf[from..] (an incomplete piece of markup) until the chunk holding its end arrives. */
  private stash(buf: Buffer, from: number): void {
    const part = buf.subarray(from);
    this.pending = [part];
    this.pendingBytes = part.length;
    this.pendingKind = 'short';
    this.pendingQuote = 0;
    this.pendingTail = Buffer.alloc(0);
    if (part.length < 2 || part[0] !== LT) return;
    const second = part[1]!;
    if (second === QUESTION) this.expectTerminator('pi', part, 2, PI_CLOSE);
    else if (second === BANG) {
      if (startsWith(part, 0, COMMENT_OPEN)) this.expectTerminator('comment', part, COMMENT_OPEN.length, COMMENT_CLOSE);
      else if (startsWith(part, 0, CDATA_OPEN)) this.expectTerminator('cdata', part, CDATA_OPEN.length, CDATA_CLOSE);
    } else {
      this.pendingKind = 'tag';
      this.pendingQuote = 0;
      this.pendingEndsIn(part.subarray(1));
    }
  }

  private expectTerminator(kind: PendingKind, part: Buffer, contentStart: number, terminator: Buffer): void {
    this.pendingKind = kind;
    const keep = terminator.length - 1;
    this.pendingTail = Buffer.from(part.subarray(Math.max(contentStart, part.length - keep)));
  }

  /** Where the held-back tag's '>' is in `chunk`, or -1 (then the quote state is kept for the next chunk). */
  private pendingTagEnd(chunk: Buffer): number {
    let quote = this.pendingQuote;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (quote !== 0) {
        if (b === quote) quote = 0;
      } else if (b === DQUOTE || b === SQUOTE) {
        quote = b;
      } else if (b === GT) {
        return i;
      }
    }
    this.pendingQuote = quote;
    return -1;
  }

  /** Does the held-back markup end inside `chunk`? Updates the resumable state when it does not. */
  private pendingEndsIn(chunk: Buffer): boolean {
    if (this.pendingKind === 'tag') return this.pendingTagEnd(chunk) !== -1;
    const terminator = this.pendingKind === 'comment' ? COMMENT_CLOSE : this.pendingKind === 'cdata' ? CDATA_CLOSE : PI_CLOSE;
    const keep = terminator.length - 1;
    const seam = Buffer.concat([this.pendingTail, chunk.subarray(0, keep)]);
    if (seam.indexOf(terminator) !== -1 || chunk.indexOf(terminator) !== -1) return true;
    const joined = chunk.length >= keep ? chunk.subarray(chunk.length - keep) : Buffer.concat([this.pendingTail, chunk]);
    this.pendingTail = Buffer.from(joined.subarray(Math.max(0, joined.length - keep)));
    return false;
  }
}

/** A namespace name is an attribute value: its references are resolved (XML 1.0 §3.3.3). */
function decodeNamespaceUri(buf: Buffer, start: number, end: number): string {
  const raw = buf.toString('utf8', start, end);
  return raw.indexOf('&') === -1 ? raw : raw.replace(/&(amp|lt|gt|quot|apos|#x[0-9a-fA-F]+|#[0-9]+);/g, (_whole, name: string) => {
    switch (name) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return String.fromCodePoint(name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10));
    }
  });
}

function startsWith(buf: Buffer, at: number, word: Buffer): boolean {
  if (buf.length - at < word.length) return false;
  for (let i = 0; i < word.length; i++) if (buf[at + i] !== word[i]) return false;
  return true;
}
