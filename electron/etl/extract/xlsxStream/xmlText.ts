/**
 * Bytes to values without building strings on the hot path: XML text and attribute decoding
 * (entity and character references, line ends, UTF-8), and parseInt/parseFloat on byte ranges.
 *
 * The sheet scanner hands over raw byte ranges; a value becomes a string only when it is one (a
 * shared string, an inline string, an error text). Numbers and shared-string indexes are read from
 * the bytes directly, and fall back to the JavaScript functions on anything unusual, so the result
 * is always what `parseInt`/`parseFloat` give on the decoded text (which is what exceljs does).
 */

/** A part is not the XML it should be. The reader turns this into an InputFileError. */
export class XmlError extends Error {
  override readonly name: string = 'XmlError';
}

/** The XML ends before its root element does: the part was cut off. */
export class XmlCutOffError extends XmlError {
  override readonly name: string = 'XmlCutOffError';
}

const AMP = 0x26;
const CR = 0x0d;
const LF = 0x0a;
const TAB = 0x09;
const SEMICOLON = 0x3b;

/** Longest reference we accept between `&` and `;` (`#x10FFFF` is 8). */
const MAX_REFERENCE = 12;

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

function reference(buf: Buffer, amp: number, end: number): { text: string; next: number } {
  let semi = -1;
  const limit = Math.min(end, amp + 1 + MAX_REFERENCE);
  for (let i = amp + 1; i < limit; i++) {
    if (buf[i] === SEMICOLON) {
      semi = i;
      break;
    }
  }
  if (semi === -1) throw new XmlError('an "&" that does not start an entity reference (write &amp; for a literal &)');
  const name = buf.toString('latin1', amp + 1, semi);
  switch (name) {
    case 'amp':
      return { text: '&', next: semi + 1 };
    case 'lt':
      return { text: '<', next: semi + 1 };
    case 'gt':
      return { text: '>', next: semi + 1 };
    case 'quot':
      return { text: '"', next: semi + 1 };
    case 'apos':
      return { text: "'", next: semi + 1 };
  }
  if (name.startsWith('#')) {
    const hex = name[1] === 'x';
    const digits = name.slice(hex ? 2 : 1);
    const valid = hex ? /^[0-9a-fA-F]+$/.test(digits) : /^[0-9]+$/.test(digits);
    const code = valid ? parseInt(digits, hex ? 16 : 10) : NaN;
    if (!Number.isFinite(code) || !isXmlChar(code)) throw new XmlError(`malformed character reference &${name};`);
    return { text: String.fromCodePoint(code), next: semi + 1 };
  }
  // Entities other than the five predefined ones exist only through a DOCTYPE, which is refused.
  throw new XmlError(`undefined entity &${name};`);
}

/**
 * Character data buf[start, end) as a string: references resolved, CRLF and lone CR turned into LF
 * (XML end-of-line handling), UTF-8 decoded. Control characters XML forbids are an error.
 */
export function decodeText(buf: Buffer, start: number, end: number): string {
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b < 0x20 ? b !== LF && b !== TAB : b === AMP) return decodeSlow(buf, start, end, false);
  }
  return utf8(buf, start, end);
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * UTF-8 bytes to a string. Bytes that are not UTF-8 make Excel refuse the part; decoding them to
 * U+FFFD would be a silently wrong value, so they are an error (a real U+FFFD in the text is fine).
 */
function utf8(buf: Buffer, start: number, end: number): string {
  const text = buf.toString('utf8', start, end);
  if (text.indexOf('\uFFFD') !== -1) {
    try {
      STRICT_UTF8.decode(buf.subarray(start, end));
    } catch {
      throw new XmlError('text that is not valid UTF-8 (the part must be UTF-8 or UTF-16)');
    }
  }
  return text;
}

/** XML white space: space, tab, line feed, carriage return (XML 1.0 production S). */
function isXmlSpaceCode(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/**
 * The text of a `<t>` (or a `str` cell's `<v>`) without `xml:space="preserve"`: Excel drops its
 * leading and trailing white space, after references are resolved (a `&#9;` at the end goes too).
 * Text that is nothing but white space is kept: Excel shows a rich-text run `<t> </t>` between
 * two words as the space it is.
 */
export function trimXmlSpace(text: string): string {
  const length = text.length;
  if (length === 0 || (!isXmlSpaceCode(text.charCodeAt(0)) && !isXmlSpaceCode(text.charCodeAt(length - 1)))) return text;
  let start = 0;
  let end = length;
  while (start < end && isXmlSpaceCode(text.charCodeAt(start))) start++;
  if (start === end) return text;
  while (end > start && isXmlSpaceCode(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

const ESCAPE = /_x([0-9A-Fa-f]{4})_/g;

/**
 * ECMA-376 Part 1 §22.9.2.19 (ST_Xstring): a character XML cannot carry (a carriage return, a
 * control character) is written `_xHHHH_`, its UTF-16 code unit in hex, and a literal `_x` that
 * would look like an escape has its underscore written `_x005F_`. Excel decodes these in shared
 * strings, inline strings and formula strings. One left-to-right pass, so `_x005F_x000D_` is the
 * literal text `_x000D_` and never a carriage return.
 */
export function decodeEscapes(text: string): string {
  if (text.indexOf('_x') === -1) return text;
  return text.replace(ESCAPE, (_whole, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** An attribute value: as decodeText, and literal TAB, LF, CR (or CRLF) each become one space. */
export function decodeAttribute(buf: Buffer, start: number, end: number): string {
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b < 0x20 || b === AMP) return decodeSlow(buf, start, end, true);
  }
  return utf8(buf, start, end);
}

function decodeSlow(buf: Buffer, start: number, end: number, attribute: boolean): string {
  let out = '';
  let run = start;
  let i = start;
  while (i < end) {
    const b = buf[i]!;
    if (b === AMP) {
      out += utf8(buf, run, i);
      const ref = reference(buf, i, end);
      out += ref.text;
      i = ref.next;
      run = i;
    } else if (b === CR) {
      out += utf8(buf, run, i);
      out += attribute ? ' ' : '\n';
      i += buf[i + 1] === LF && i + 1 < end ? 2 : 1;
      run = i;
    } else if (b < 0x20 && b !== LF && b !== TAB) {
      throw new XmlError(`a control character (code ${b}) that XML does not allow`);
    } else if (attribute && (b === LF || b === TAB)) {
      out += utf8(buf, run, i);
      out += ' ';
      i += 1;
      run = i;
    } else {
      i += 1;
    }
  }
  return out + utf8(buf, run, end);
}

function isSpace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

/** `parseInt(text, 10)` of the decoded text in buf[start, end), read from the bytes when simple. */
export function parseIntBytes(buf: Buffer, start: number, end: number, attribute: boolean): number {
  let i = start;
  while (i < end && isSpace(buf[i]!)) i++;
  let negative = false;
  if (i < end && (buf[i] === 0x2d || buf[i] === 0x2b)) {
    negative = buf[i] === 0x2d;
    i++;
  }
  const first = i;
  let value = 0;
  while (i < end) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) break;
    value = value * 10 + d;
    i++;
  }
  const digits = i - first;
  if (digits > 0 && digits <= 15) {
    // Whatever follows the digits is ignored by parseInt, unless it could change the text itself.
    let plain = true;
    for (let j = i; j < end; j++) {
      if (buf[j] === AMP) {
        plain = false;
        break;
      }
    }
    if (plain) return negative ? -value : value;
  } else if (digits === 0 && (i >= end || (buf[i]! < 0x80 && buf[i] !== AMP))) {
    return NaN;
  }
  return parseInt(attribute ? decodeAttribute(buf, start, end) : decodeText(buf, start, end), 10);
}

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * `parseFloat` of the decoded text in buf[start, end). Plain decimals of up to 15 digits are
 * computed from the bytes: the digits form an exact integer below 2^53 and 10^k (k <= 22) is exact,
 * so one division gives the correctly rounded double, the same one parseFloat gives.
 */
export function parseFloatBytes(buf: Buffer, start: number, end: number): number {
  let i = start;
  while (i < end && isSpace(buf[i]!)) i++;
  let negative = false;
  if (i < end && (buf[i] === 0x2d || buf[i] === 0x2b)) {
    negative = buf[i] === 0x2d;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = 0;
  let seenPoint = false;
  for (; i < end; i++) {
    const b = buf[i]!;
    const d = b - 0x30;
    if (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
      if (seenPoint) fraction++;
    } else if (b === 0x2e && !seenPoint) {
      seenPoint = true;
    } else {
      break;
    }
  }
  if (i === end && digits > 0 && digits <= 15) {
    const value = fraction === 0 ? mantissa : mantissa / POWERS_OF_TEN[fraction]!;
    return negative ? -value : value;
  }
  return parseFloat(decodeText(buf, start, end));
}

const XSD_DOUBLE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A cell's `<v>` as the xsd:double SpreadsheetML says it is, or NaN when it is not one (`abc`,
 * `12abc`, `0x10`): Excel refuses such a value rather than reading a number out of part of it.
 * Surrounding white space is allowed (xsd collapses it). Plain decimals take the byte path.
 */
export function parseDoubleStrict(buf: Buffer, start: number, end: number): number {
  // The usual shape, [-]digits[.digits], straight from the bytes.
  let i = start;
  if (i < end && buf[i] === 0x2d) i++;
  let digits = 0;
  while (i < end && buf[i]! >= 0x30 && buf[i]! <= 0x39) {
    i++;
    digits++;
  }
  if (i < end && buf[i] === 0x2e) {
    i++;
    while (i < end && buf[i]! >= 0x30 && buf[i]! <= 0x39) {
      i++;
      digits++;
    }
  }
  if (i === end && digits > 0) return parseFloatBytes(buf, start, end);
  const text = decodeText(buf, start, end).trim();
  if (XSD_DOUBLE.test(text)) return Number(text);
  if (text === 'INF') return Infinity;
  if (text === '-INF') return -Infinity;
  return NaN;
}

/** A non-negative integer in decimal digits (white space around allowed), else NaN. */
export function parseIndexStrict(buf: Buffer, start: number, end: number): number {
  let i = start;
  while (i < end && isSpace(buf[i]!)) i++;
  let value = 0;
  const first = i;
  while (i < end) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) break;
    value = value * 10 + d;
    i++;
  }
  const digits = i - first;
  while (i < end && isSpace(buf[i]!)) i++;
  if (i !== end || digits === 0) return buf.indexOf(AMP, start) !== -1 && buf.indexOf(AMP, start) < end ? parseIndexText(decodeText(buf, start, end)) : NaN;
  return digits > 15 ? NaN : value;
}

function parseIndexText(text: string): number {
  return /^\s*\d{1,15}\s*$/.test(text) ? Number(text.trim()) : NaN;
}

/** True when buf[start, end) holds only XML white space. */
export function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
  }
  return true;
}

/** The bytes of buf[start, end) equal `word` (ASCII). */
export function bytesEqual(buf: Buffer, start: number, end: number, word: Buffer): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (buf[start + i] !== word[i]) return false;
  return true;
}

/** A growable byte buffer for text that arrives in pieces (across chunks, or in several runs). */
export class ByteAccumulator {
  bytes: Buffer = Buffer.allocUnsafe(256);
  length = 0;
  /** Where the current text segment (character data between two pieces of markup) began. */
  private segmentStart = 0;

  constructor(private readonly maxBytes: number) {}

  reset(): void {
    this.length = 0;
    this.segmentStart = 0;
  }

  append(source: Buffer, start: number, end: number): void {
    const needed = this.length + (end - start);
    if (needed > this.bytes.length) this.grow(needed);
    this.bytes.set(source.subarray(start, end), this.length);
    this.length = needed;
  }

  /** Appends CDATA content, keeping its `&` literal through the later decoding. */
  appendLiteral(source: Buffer, start: number, end: number): void {
    let run = start;
    for (let i = start; i < end; i++) {
      if (source[i] === AMP) {
        this.append(source, run, i + 1);
        this.append(AMP_ESCAPE, 0, AMP_ESCAPE.length);
        run = i + 1;
      }
    }
    this.append(source, run, end);
  }

  /**
   * Markup follows: a CR ending this segment is a line end of its own (it cannot pair with an LF
   * that comes after the markup), so it is stored as LF now.
   */
  endSegment(): void {
    if (this.length > this.segmentStart && this.bytes[this.length - 1] === CR) this.bytes[this.length - 1] = LF;
    this.segmentStart = this.length;
  }

  private grow(needed: number): void {
    if (needed > this.maxBytes) throw new XmlError(`a value longer than ${Math.round(this.maxBytes / 1024 ** 2)} MiB`);
    const next = Buffer.allocUnsafe(Math.min(Math.max(needed, this.bytes.length * 2), this.maxBytes));
    this.bytes.copy(next, 0, 0, this.length);
    this.bytes = next;
  }
}

/** `amp;` completes the `&` already copied: CDATA's `&` survives decodeText as a literal `&`. */
const AMP_ESCAPE = Buffer.from('amp;', 'latin1');
