/**
 * Writes text straight into byte chunks for the large outputs (the COPY stream, the final CSVs):
 * integers and calendar days are written digit by digit, so a million rows make no per-row
 * strings. Building a template string per row and UTF-8 encoding it afterwards took ~2 s of CPU
 * per output at a million rows (`npm run bench -- --rows 1m --profile`); this takes a tenth.
 */
import { isoFromDay } from '../rules/calendar';

const REPLACEMENT = Buffer.from('\uFFFD', 'utf8');

/**
 * How ByteWriter.escaped writes a string: the bytes that replace some ASCII characters, and what
 * a UTF-16 surrogate without its pair becomes. The rest is plain UTF-8.
 */
export class Escapes {
  readonly ascii: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(128).fill(undefined);
  /** The most bytes one UTF-16 code unit can take. */
  readonly widest: number;

  constructor(
    replaced: Record<string, string>,
    /** A lone surrogate's bytes; by default U+FFFD, as Buffer.write writes one. */
    readonly lone: (unit: number) => Uint8Array = () => REPLACEMENT,
  ) {
    for (const [char, bytes] of Object.entries(replaced)) this.ascii[char.charCodeAt(0)] = Buffer.from(bytes, 'utf8');
    this.widest = Math.max(3, ...Object.values(replaced).map((bytes) => Buffer.byteLength(bytes)), lone(0xd800).length);
  }
}

const DEFAULT_CHUNK = 256 * 1024;

export class ByteWriter {
  private buf: Buffer;
  private at = 0;

  constructor(private readonly chunkBytes = DEFAULT_CHUNK) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
  }

  /** Bytes written since the last take(). */
  get length(): number {
    return this.at;
  }

  /** The bytes written so far as a chunk of their own; the writer starts a fresh buffer. */
  take(): Uint8Array {
    const chunk = this.buf.subarray(0, this.at);
    this.buf = Buffer.allocUnsafe(this.chunkBytes);
    this.at = 0;
    return chunk;
  }

  /**
   * The bytes written so far, in the writer's own buffer, which it then writes over from the start:
   * for a consumer done with each chunk before asking for the next (a file write that is awaited).
   * A fresh 320 KiB buffer per chunk cost ~1.5 ms each in allocation and first-touch page faults
   * (createUnsafeBuffer, ~56 ms in a CPU profile of writing the 41,574 rejected rows of a million
   * openpyxl rows as CSV; final_appointments.csv has ~170 such chunks).
   */
  lend(): Uint8Array {
    const chunk = this.buf.subarray(0, this.at);
    this.at = 0;
    return chunk;
  }

  byte(value: number): void {
    if (this.at + 1 > this.buf.length) this.grow(1);
    this.buf[this.at++] = value;
  }

  /** Bytes given as they are (a separator, a constant word). */
  bytes(value: Uint8Array): void {
    if (this.at + value.length > this.buf.length) this.grow(value.length);
    // A few bytes (a status word, CRLF) go one by one: `set` costs a builtin call per row.
    if (value.length <= 16) for (let k = 0; k < value.length; k++) this.buf[this.at++] = value[k] as number;
    else {
      this.buf.set(value, this.at);
      this.at += value.length;
    }
  }

  /** Any text, as UTF-8. */
  text(value: string): void {
    const most = value.length * 3;
    if (this.at + most > this.buf.length) this.grow(most);
    this.at += this.buf.write(value, this.at, 'utf8');
  }

  /**
   * Text as UTF-8 with the characters `escapes` names replaced, in one pass over its code units
   * and no new string. A regex test first and Buffer.write for text with nothing to escape was no
   * cheaper on the rejected rows' fields (most are short; each Buffer.write call costs ~60–100 ns).
   */
  escaped(value: string, escapes: Escapes): void {
    const most = value.length * escapes.widest;
    if (this.at + most > this.buf.length) this.grow(most);
    const buf = this.buf;
    const { ascii } = escapes;
    let at = this.at;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c < 0x80) {
        const replaced = ascii[c];
        if (replaced === undefined) buf[at++] = c;
        else for (let k = 0; k < replaced.length; k++) buf[at++] = replaced[k] as number;
      } else if (c < 0x800) {
        buf[at++] = 0xc0 | (c >> 6);
        buf[at++] = 0x80 | (c & 0x3f);
      } else if (c < 0xd800 || c > 0xdfff) {
        buf[at++] = 0xe0 | (c >> 12);
        buf[at++] = 0x80 | ((c >> 6) & 0x3f);
        buf[at++] = 0x80 | (c & 0x3f);
      } else {
        const next = value.charCodeAt(i + 1);
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const code = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          buf[at++] = 0xf0 | (code >> 18);
          buf[at++] = 0x80 | ((code >> 12) & 0x3f);
          buf[at++] = 0x80 | ((code >> 6) & 0x3f);
          buf[at++] = 0x80 | (code & 0x3f);
          i++;
        } else {
          const replaced = escapes.lone(c);
          for (let k = 0; k < replaced.length; k++) buf[at++] = replaced[k] as number;
        }
      }
    }
    this.at = at;
  }

  /** A non-negative integer below 2^53, in decimal. */
  uint(value: number): void {
    if (this.at + 16 > this.buf.length) this.grow(16);
    const buf = this.buf;
    if (value < 10) {
      buf[this.at++] = 48 + value;
      return;
    }
    let digits = 1;
    for (let power = 10; power <= value; power *= 10) digits++;
    const end = this.at + digits;
    let i = end;
    if (value < 2147483648) {
      let v = value | 0;
      while (v >= 10) {
        const q = (v / 10) | 0;
        buf[--i] = 48 + v - q * 10;
        v = q;
      }
      buf[i - 1] = 48 + v;
    } else {
      let v = value;
      while (v >= 10) {
        const q = Math.floor(v / 10);
        buf[--i] = 48 + (v - q * 10);
        v = q;
      }
      buf[i - 1] = 48 + v;
    }
    this.at = end;
  }

  /** A calendar day (days since 1970-01-01) as YYYY-MM-DD, exactly as isoFromDay writes it. */
  day(day: number): void {
    // Howard Hinnant's civil_from_days: integer arithmetic, no Date object per row. Every value
    // is a non-negative int32 for years 0–9999 (z ≥ 0), so `| 0` truncates like Math.floor.
    const z = day + 719468;
    if (z < 0 || z > 4_371_000) {
      this.text(isoFromDay(day));
      return;
    }
    const era = (z / 146097) | 0;
    const doe = z - era * 146097;
    const yoe = ((doe - ((doe / 1460) | 0) + ((doe / 36524) | 0) - ((doe / 146096) | 0)) / 365) | 0;
    const doy = doe - (365 * yoe + ((yoe / 4) | 0) - ((yoe / 100) | 0));
    const mp = ((5 * doy + 2) / 153) | 0;
    const dom = doy - (((153 * mp + 2) / 5) | 0) + 1;
    const month = mp < 10 ? mp + 3 : mp - 9;
    const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 0 || year > 9999) {
      this.text(isoFromDay(day));
      return;
    }
    if (this.at + 10 > this.buf.length) this.grow(10);
    const buf = this.buf;
    const at = this.at;
    buf[at] = 48 + ((year / 1000) | 0);
    buf[at + 1] = 48 + (((year / 100) | 0) % 10);
    buf[at + 2] = 48 + (((year / 10) | 0) % 10);
    buf[at + 3] = 48 + (year % 10);
    buf[at + 4] = 45;
    buf[at + 5] = 48 + ((month / 10) | 0);
    buf[at + 6] = 48 + (month % 10);
    buf[at + 7] = 45;
    buf[at + 8] = 48 + ((dom / 10) | 0);
    buf[at + 9] = 48 + (dom % 10);
    this.at = at + 10;
  }

  private grow(needed: number): void {
    const size = Math.max(this.buf.length * 2, this.at + needed);
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }
}
