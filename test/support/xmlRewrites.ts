/**
 * Rewrites of a part's XML that must not change what it means (XML 1.0, Namespaces in XML): used
 * by the metamorphic tests, which require the reader to give identical rows before and after.
 * They work on a simple token split (tags and text), which is enough for the writer corpus: no
 * comments or CDATA there, and no `>` inside attribute values.
 */
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const STRICT_MAIN = 'http://purl.oclc.org/ooxml/spreadsheetml/main';

type Token = { tag: true; text: string } | { tag: false; text: string };

function tokens(xml: string): Token[] {
  return [...xml.matchAll(/<[^>]*>|[^<]+/g)].map((m) => ({ tag: m[0].startsWith('<'), text: m[0] }) as Token);
}

const join = (list: Token[]) => list.map((t) => t.text).join('');

/** The opening tag of a text-bearing element (<t>, <v>, <f>, prefixed or not). */
function opensText(tag: string): boolean {
  return /^<(?:[\w.-]+:)?[tvf](?:\s[^>]*)?>$/.test(tag) && !tag.endsWith('/>');
}

/** Line breaks and indentation between elements, never inside text-bearing elements. */
export function prettyPrint(xml: string): string {
  const list = tokens(xml);
  const out: Token[] = [];
  let depth = 0;
  for (let i = 0; i < list.length; i++) {
    const token = list[i] as Token;
    const previous = out[out.length - 1];
    if (token.tag && previous?.tag && !previous.text.startsWith('<?') && !opensText(previous.text)) {
      const closing = token.text.startsWith('</');
      out.push({ tag: false, text: `\n${'  '.repeat(Math.max(closing ? depth - 1 : depth, 0))}` });
    }
    if (token.tag && !token.text.startsWith('<?')) {
      if (token.text.startsWith('</')) depth--;
      else if (!token.text.endsWith('/>')) depth++;
    }
    out.push(token);
  }
  return join(out);
}

/** Unprefixed elements get prefix `p`, the default SpreadsheetML namespace becomes `xmlns:p`. */
export function prefixElements(xml: string, p = 'x'): string {
  if (!xml.includes(`xmlns="${MAIN}"`) && !xml.includes(`xmlns="${STRICT_MAIN}"`)) return xml;
  return xml
    .replace(/<(\/?)(?![?!])([A-Za-z_][\w.-]*)(?=[\s/>])/g, (_m, slash: string, name: string) => `<${slash}${p}:${name}`)
    .replace(/xmlns="(http:\/\/schemas\.openxmlformats\.org\/spreadsheetml\/2006\/main|http:\/\/purl\.oclc\.org\/ooxml\/spreadsheetml\/main)"/, `xmlns:${p}="$1"`);
}

const ATTRIBUTE = /\s+([^\s=/>]+)\s*=\s*("[^"]*"|'[^']*')/g;

/** Attributes of every start tag in reverse order, each value in the other kind of quotes where it can be. */
export function reorderAttributes(xml: string, swapQuotes: boolean): string {
  return join(
    tokens(xml).map((token) => {
      if (!token.tag || token.text.startsWith('</') || token.text.startsWith('<?')) return token;
      const name = /^<[^\s/>]+/.exec(token.text)?.[0] ?? '';
      const close = token.text.endsWith('/>') ? '/>' : '>';
      const attrs = [...token.text.matchAll(ATTRIBUTE)].map(([, key, value]) => {
        const inner = (value as string).slice(1, -1);
        const quote = swapQuotes ? ((value as string).startsWith('"') ? "'" : '"') : (value as string)[0];
        return inner.includes(quote as string) ? `${key}=${value}` : `${key}=${quote}${inner}${quote}`;
      });
      return { tag: true, text: `${name}${attrs.reverse().map((a) => ` ${a}`).join('')}${close}` };
    }),
  );
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_whole, name: string) => {
    if (name === 'amp') return '&';
    if (name === 'lt') return '<';
    if (name === 'gt') return '>';
    if (name === 'quot') return '"';
    if (name === 'apos') return "'";
    return String.fromCodePoint(name.startsWith('#x') ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10));
  });
}

/** The text of <t> and <v> elements as CDATA sections (where CDATA can say the same thing). */
export function textAsCdata(xml: string): string {
  const list = tokens(xml);
  return join(
    list.map((token, i) => {
      const previous = list[i - 1];
      if (token.tag || !previous || !opensText(previous.text) || /^<(?:[\w.-]+:)?f[\s>]/.test(previous.text)) return token;
      const text = decodeEntities(token.text);
      // A carriage return written as &#13; would become a line feed as a literal in CDATA.
      if (text.includes(']]>') || text.includes('\r')) return token;
      return { tag: false, text: `<![CDATA[${text}]]>` };
    }),
  );
}

/** Letters and digits of text content written as character references (every `step`-th one). */
export function characterReferences(xml: string, step = 3): string {
  let n = 0;
  return join(
    tokens(xml).map((token) => {
      if (token.tag) return token;
      return {
        tag: false,
        // Existing references stay as they are; only the characters between them are rewritten.
        text: token.text
          .split(/(&[^;]*;)/)
          .map((piece) =>
            piece.startsWith('&')
              ? piece
              : piece.replace(/[A-Za-z0-9]/g, (ch) => {
                  n++;
                  if (n % step !== 0) return ch;
                  const code = ch.charCodeAt(0);
                  return n % (2 * step) === 0 ? `&#x${code.toString(16)};` : `&#${code};`;
                }),
          )
          .join(''),
      };
    }),
  );
}

/** The same XML in UTF-16 (little-endian unless `bigEndian`), with a byte order mark. */
export function asUtf16(xml: string, bigEndian = false): Buffer {
  const le = Buffer.from(`\uFEFF${xml.replace(/encoding="UTF-8"/i, 'encoding="UTF-16"')}`, 'utf16le');
  if (!bigEndian) return le;
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) {
    be[i] = le[i + 1] as number;
    be[i + 1] = le[i] as number;
  }
  return be;
}
