/**
 * Byte-level tests with hand-written XML: the scanner and the sheet reader fed every possible chunk
 * boundary, the XML shapes Excel never writes but other producers do (prefixed tags, rows and cells
 * without `r`, CDATA, references), and the documented places where we read the file differently
 * from exceljs (each asserts both readers, so a change on either side shows up here).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeZip, type ZipPart } from '../../../../test/support/zipTools';
import type { RawCell } from '../../types';
import { readSheetWithExceljs } from '../../../../test/oracle/readSheetWithExceljs';
import { readWorksheet, type WorksheetReadOptions } from './readWorksheet';
import { SharedStringsHandler } from './sharedStrings';
import { serialToDateCell } from './numberFormats';
import { SheetRowsHandler } from './sheetRows';
import { parseStyles, type StyleTable } from './styles';
import { MarkupFilter } from './markupFilter';
import { NS_SML, XmlScanner } from './xmlScanner';
import { decodeText, parseFloatBytes, parseIntBytes } from './xmlText';

type Row = [number, RawCell[]];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'xlsx-stream-bytes-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

const STYLES = `<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="${MAIN_NS}"><numFmts count="4"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/><numFmt numFmtId="165" formatCode="&quot;Day &quot;0"/><numFmt numFmtId="166" formatCode="[Red]0.00"/><numFmt numFmtId="168" formatCode="YYYY"/></numFmts>
<cellXfs count="8"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="31"/><xf numFmtId="22"/><xf numFmtId="49"/><xf numFmtId="168"/></cellXfs>
<dxfs count="1"><dxf><numFmt numFmtId="167" formatCode="yyyy"/></dxf></dxfs></styleSheet>`;

/** Style ids in STYLES: 1 custom date, 2 built-in date, 3 quoted text only, 4 colour only, 5 CJK date (31), 6 date-time, 7 text, 8 upper-case YYYY. */
const SST = `<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="${MAIN_NS}" count="6" uniqueCount="6"><si><t>zero</t></si><si><r><rPr><b/></rPr><t>ri</t></r><r><t xml:space="preserve">ch </t></r></si><si><t>a&amp;b &lt;c&gt; &#x263A;</t></si><si><t/></si><si><t>Clínica 🩺</t></si><si><t>_x000D_kept</t></si></sst>`;

interface Book {
  sheet: string;
  sst?: string | null;
  styles?: string | null;
  workbookPr?: string;
  /** Zip order of the parts (names), default sheet first as Excel does. */
  order?: 'sheet-first' | 'sheet-last';
  compress?: boolean;
}

let counter = 0;
async function book(spec: Book): Promise<string> {
  const file = path.join(dir, `book-${++counter}.xlsx`);
  const workbook = `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><workbookPr ${spec.workbookPr ?? ''}/><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`;
  const rels =
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    `<Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>` +
    `<Relationship Id="rId2" Type="${REL_NS}/sharedStrings" Target="sharedStrings.xml"/>` +
    `<Relationship Id="rId3" Type="${REL_NS}/styles" Target="styles.xml"/></Relationships>`;
  const compress = spec.compress ?? true;
  const sheet: ZipPart = { name: 'xl/worksheets/sheet1.xml', data: spec.sheet, compress };
  const rest: ZipPart[] = [
    { name: 'xl/workbook.xml', data: workbook, compress },
    { name: 'xl/_rels/workbook.xml.rels', data: rels, compress },
  ];
  if (spec.sst !== null) rest.push({ name: 'xl/sharedStrings.xml', data: spec.sst ?? SST, compress });
  if (spec.styles !== null) rest.push({ name: 'xl/styles.xml', data: spec.styles ?? STYLES, compress });
  await writeZip(file, spec.order === 'sheet-last' ? [...rest, sheet] : [sheet, ...rest]);
  return file;
}

async function readNew(file: string, options: WorksheetReadOptions = {}): Promise<Row[]> {
  const rows: Row[] = [];
  await readWorksheet(file, (row, cells) => rows.push([row, cells]), options);
  return rows;
}

/**
 * The exceljs reader. When the sheet comes before sharedStrings.xml in the zip (or there is none),
 * exceljs spools the sheet to a temp file, and under load it now and then loses it and reports the
 * sheet's data missing (about 1 read in 15 without shared strings, 1 in 150 with them, on a busy
 * machine). That flake of the oracle is retried; anything else it says counts.
 */
async function readOld(file: string): Promise<Row[]> {
  for (let attempt = 1; ; attempt++) {
    const rows: Row[] = [];
    try {
      await readSheetWithExceljs(file, (row, cells) => rows.push([row, cells]));
      return rows;
    } catch (error) {
      if (attempt === 5 || !(error instanceof Error) || !/is listed but its data is missing/.test(error.message)) throw error;
    }
  }
}

function worksheet(body: string, prefix = ''): string {
  const p = prefix ? `${prefix}:` : '';
  const ns = prefix ? `xmlns:${prefix}="${MAIN_NS}"` : `xmlns="${MAIN_NS}"`;
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<${p}worksheet ${ns}><${p}sheetData>${body}</${p}sheetData></${p}worksheet>`;
}

const date = (y: number, m: number, d: number, h = 0, min = 0) => new Date(Date.UTC(y, m - 1, d, h, min));

/** Parses a sheet held in memory, fed in the given pieces (no zip): the scanner's own seams. */
function parseInPieces(xml: Buffer, cuts: number[], styles: StyleTable, strings: string[]): Row[] {
  const rows: Row[] = [];
  const handler = new SheetRowsHandler({ styles, strings, date1904: false, recalculateOnLoad: false, onRow: (row, cells) => rows.push([row, cells]) });
  const scanner = new XmlScanner(new MarkupFilter(handler, NS_SML, 'worksheet'));
  let at = 0;
  for (const cut of [...cuts, xml.length]) {
    scanner.write(xml.subarray(at, cut));
    at = cut;
  }
  scanner.end();
  handler.finish();
  return rows;
}

function sharedStrings(xml: string): string[] {
  const handler = new SharedStringsHandler();
  const scanner = new XmlScanner(new MarkupFilter(handler, NS_SML, 'sst'));
  scanner.write(Buffer.from(xml));
  scanner.end();
  return handler.strings;
}

/** A sheet that exercises every construct the scanner knows, with its expected rows. */
const TRICKY_BODY =
  `<row r="1" spans="1:9" x14ac:dyDescent="0.25" xmlns:x14ac="urn:x"><c r="A1" t="s"><v>0</v></c><c r='B1' s="1"><v>45951</v></c>` +
  `<c r="C1" t="s" ><v>1</v></c ><c r="D1" t="s"><v>2</v></c><c r="E1" t="inlineStr"><is><t>inline &amp; &#233;&#xE9; </t></is></c>` +
  `<c r="F1" t="b"><v>1</v></c><c r="G1" t="e"><v>#N/A</v></c><c r="H1" t="str"><f>A1</f><v>formula text</v></c>` +
  `<c r="I1" s="6"><f>NOW()</f><v>45951.75</v></c></row>` +
  `<!-- a comment with <tags> and -- dashes? no: just > signs --><?processing instruction?>` +
  `<row r="3"><c r="A3"><v>-12.5</v></c><c r="C3" s="2"/><c r="D3" t="s"><v>4</v></c><c r="E3"><v><![CDATA[77]]></v></c>` +
  `<c r="F3" t="inlineStr"><is><t><![CDATA[<b>&amp;</b>]]> and more</t></is></c></row>` +
  `<row><c><v>1</v></c><c><v>2</v></c><c r="E4"><v>5</v></c><c><v>6</v></c></row>` +
  `<row r="7"><c r="AA7" t="inlineStr"><is><t>line1\r\nline2\rline3\n</t></is></c><c r="BA7"><v>1E3</v></c></row>` +
  `<row r="9"/><row r="10" s="1" customFormat="1"><c r="A10"><v>45000</v></c><c r="B10" s="4"><v>45000</v></c></row>`;

const TRICKY_EXPECTED: Row[] = [
  // E1: no xml:space="preserve", so the trailing space goes (Excel trims); 'rich ' keeps its preserved one.
  [1, ['zero', date(2025, 10, 21), 'rich ', 'a&b <c> ☺', 'inline & éé', true, '#N/A', 'formula text', date(2025, 10, 21, 18)]],
  // CDATA is literal text: its &amp; is five characters, decoded exactly once (not again).
  [3, [-12.5, null, null, 'Clínica 🩺', 77, '<b>&amp;</b> and more']],
  [4, [1, 2, null, null, 5, 6]],
  [7, [...Array<RawCell>(26).fill(null), 'line1\nline2\nline3', ...Array<RawCell>(52 - 27).fill(null), 1000]],
  [9, []],
  [10, [date(2023, 3, 15), 45000]],
];

describe('chunk boundaries anywhere', () => {
  const styles = parseStyles(Buffer.from(STYLES));
  const strings = sharedStrings(SST);

  it('the tricky sheet reads as expected in one piece', () => {
    expect(parseInPieces(Buffer.from(worksheet(TRICKY_BODY)), [], styles, strings)).toEqual(TRICKY_EXPECTED);
  });

  it('every single split point gives the same rows', () => {
    const xml = Buffer.from(worksheet(TRICKY_BODY));
    for (let cut = 1; cut < xml.length; cut++) {
      expect(parseInPieces(xml, [cut], styles, strings), `split at byte ${cut}`).toEqual(TRICKY_EXPECTED);
    }
  });

  it('every pair of nearby split points (pieces of 1 to 12 bytes between them)', () => {
    const xml = Buffer.from(worksheet(TRICKY_BODY));
    for (let cut = 1; cut < xml.length; cut++) {
      for (let width = 1; width <= 12 && cut + width < xml.length; width++) {
        expect(parseInPieces(xml, [cut, cut + width], styles, strings), `split at ${cut} and ${cut + width}`).toEqual(TRICKY_EXPECTED);
      }
    }
    // About 12,000 parses: a few seconds alone, far more on a shared machine.
  }, 300_000);

  it('one byte at a time', () => {
    const xml = Buffer.from(worksheet(TRICKY_BODY));
    const cuts = Array.from({ length: xml.length - 1 }, (_, i) => i + 1);
    expect(parseInPieces(xml, cuts, styles, strings)).toEqual(TRICKY_EXPECTED);
  });

  it('shared strings split anywhere', () => {
    const xml = Buffer.from(SST);
    const whole = sharedStrings(SST);
    // <si><t/></si> is an empty text; _x000D_ is Excel's escape for a carriage return.
    expect(whole).toEqual(['zero', 'rich ', 'a&b <c> ☺', '', 'Clínica 🩺', '\rkept']);
    for (let cut = 1; cut < xml.length; cut++) {
      const handler = new SharedStringsHandler();
      const scanner = new XmlScanner(new MarkupFilter(handler, NS_SML, 'sst'));
      scanner.write(xml.subarray(0, cut));
      scanner.write(xml.subarray(cut));
      scanner.end();
      expect(handler.strings, `split at ${cut}`).toEqual(whole);
    }
  });

  it('through the zip: tiny inflate chunks and pieces of 1 to 7 bytes, compressed or stored, either zip order', async () => {
    for (const order of ['sheet-first', 'sheet-last'] as const) {
      for (const compress of [true, false]) {
        const file = await book({ sheet: worksheet(TRICKY_BODY), order, compress });
        for (let piece = 1; piece <= 7; piece++) {
          expect(await readNew(file, { inflateChunkBytes: 64, maxSinkBytes: piece }), `${order}, compress ${compress}, pieces of ${piece}`).toEqual(TRICKY_EXPECTED);
        }
        expect(await readNew(file)).toEqual(TRICKY_EXPECTED);
      }
    }
  });

  it('a long text value spread over many chunks, and a multi-byte character cut in two', async () => {
    const long = `${'é'.repeat(50_000)}😀${'x'.repeat(70_001)}`;
    const file = await book({ sheet: worksheet(`<row r="1"><c r="A1" t="inlineStr"><is><t>${long}</t></is></c><c r="B1"><v>1</v></c></row>`) });
    for (const piece of [1, 3, 4096, undefined]) {
      expect(await readNew(file, { inflateChunkBytes: 64, ...(piece ? { maxSinkBytes: piece } : {}) })).toEqual([[1, [long, 1]]]);
    }
  });
});

describe('XML other producers write', () => {
  it('prefixed tags (x:row) read like plain ones', async () => {
    const body = '<x:row r="2"><x:c r="B2" t="s"><x:v>0</x:v></x:c><x:c r="C2" t="inlineStr"><x:is><x:t>pre</x:t></x:is></x:c></x:row>';
    const file = await book({ sheet: worksheet(body, 'x') });
    expect(await readNew(file)).toEqual([[2, [null, 'zero', 'pre']]]);
    // exceljs compares qualified names and sees no rows at all.
    expect(await readOld(file)).toEqual([]);
  });

  it('rows and cells without r take the next position', async () => {
    const body = '<row><c><v>1</v></c><c t="s"><v>0</v></c></row><row r="5"><c r="C5"><v>3</v></c><c><v>4</v></c></row><row><c><v>6</v></c></row>';
    const file = await book({ sheet: worksheet(body) });
    expect(await readNew(file)).toEqual([
      [1, [1, 'zero']],
      [5, [null, null, 3, 4]],
      [6, [6]],
    ]);
    // exceljs cannot place them: it fails on the first cell of a row without r.
    await expect(readOld(file)).rejects.toThrow(/could not be read/);
  });

  it('entity and character references, in text and in attributes', async () => {
    const body = `<row r="&#49;"><c r="&#65;1" t="&#115;"><v>&#48;</v></c><c r="B1" t="inlineStr"><is><t>&lt;&gt;&amp;&quot;&apos;&#38;&#x26;&#128512;</t></is></c></row>`;
    const file = await book({ sheet: worksheet(body) });
    // exceljs decodes inline text once more, so the &#38; (a literal "&") followed by nothing stays.
    expect(await readNew(file)).toEqual([[1, ['zero', `<>&"'&&😀`]]]);
    expect(await readNew(file)).toEqual(await readOld(file));
  });

  it('a byte order mark, CRLF line ends, white space inside tags and single-quoted attributes', async () => {
    const sheet = `\uFEFF<?xml version='1.0'?>\r\n<worksheet xmlns='${MAIN_NS}'>\r\n  <sheetData>\r\n    <row r='1' >\r\n      <c r='A1' t = 's' ><v>0</v></c\r\n>\r\n    </row >\r\n  </sheetData>\r\n</worksheet >\r\n`;
    const file = await book({ sheet });
    expect(await readNew(file)).toEqual([[1, ['zero']]]);
    expect(await readNew(file, { inflateChunkBytes: 64, maxSinkBytes: 1 })).toEqual([[1, ['zero']]]);
  });

  it('white space between elements never belongs to a value (pretty-printed XML)', async () => {
    const body = '<row r="1"><c r="A1" t="str"><v>abc</v>\n  </c><c r="B1" t="inlineStr">\n<is>\n<t>x</t>\n</is>\n</c><c r="C1" t="s"><v>5</v></c><c r="D1"><v> 12 </v></c></row>';
    const file = await book({ sheet: worksheet(body) });
    expect(await readNew(file)).toEqual([[1, ['abc', 'x', '\rkept', 12]]]);
    // exceljs appends the text after </v> and inside <is> to the value, and leaves _x000D_ as is.
    expect(await readOld(file)).toEqual([[1, ['abc\n  ', 'x\n\n', '_x000D_kept', 12]]]);
  });

  it('styles: custom and built-in date formats, quoted text and [colour] are not dates, an explicit s wins over the row style', async () => {
    const body =
      '<row r="1"><c r="A1" s="1"><v>45951</v></c><c r="B1" s="2"><v>45951</v></c><c r="C1" s="3"><v>45951</v></c><c r="D1" s="4"><v>45951</v></c>' +
      '<c r="E1" s="6"><v>45951.5</v></c><c r="F1" s="7"><v>45951</v></c><c r="G1" s="99"><v>45951</v></c><c r="H1" s="0"><v>45951</v></c></row>' +
      // §18.3.1.73: the row style reaches cells without an s of their own, when customFormat is set.
      '<row r="2" s="2" customFormat="1"><c r="A2"><v>45951</v></c><c r="B2" s="0"><v>104</v></c><c r="C2" s="3"><v>45951</v></c><c r="D2" s="99"><v>45951</v></c></row>' +
      '<row r="3" s="2"><c r="A3"><v>45951</v></c></row>' +
      // Format codes are case-insensitive: YYYY is a year.
      '<row r="4"><c r="A4" s="8"><v>45951</v></c><c r="B4" s="8"><f>A4</f><v>45951</v></c></row>';
    const file = await book({ sheet: worksheet(body) });
    const d = date(2025, 10, 21);
    expect(await readNew(file)).toEqual([
      [1, [d, d, 45951, 45951, date(2025, 10, 21, 12), 45951, 45951, 45951]],
      // The issue's case: an explicit s="0" (General) in a date-styled row stays the number 104.
      [2, [d, 104, 45951, 45951]],
      [3, [45951]],
      [4, [d, d]],
    ]);
    // exceljs lets the row style override s="0" and reads 104 as 1900-04-13.
    expect((await readOld(file))[1]?.[1][1]).toEqual(date(1900, 4, 13));
  });

  it('the last column (XFD), and one beyond it', async () => {
    const file = await book({ sheet: worksheet('<row r="1"><c r="XFD1"><v>1</v></c></row>') });
    const [[, cells]] = (await readNew(file)) as [Row];
    expect(cells).toHaveLength(16_384);
    expect(cells[16_383]).toBe(1);
    expect(await readNew(file)).toEqual(await readOld(file));
    const beyond = await book({ sheet: worksheet('<row r="1"><c r="XFE1"><v>1</v></c></row>') });
    await expect(readNew(beyond)).rejects.toThrow(/cell reference "XFE1" that names no column within A–XFD/);
  });

  it('no styles part and no shared strings part', async () => {
    const file = await book({ sheet: worksheet('<row r="1"><c r="A1"><v>45951</v></c><c r="B1" s="1"><v>2</v></c></row>'), styles: null, sst: null });
    expect(await readNew(file)).toEqual([[1, [45951, 2]]]);
    expect(await readNew(file)).toEqual(await readOld(file));
  });
});

describe('where exceljs departs from the standard (SPEC §3, §4 rules 3, 4, 6, 10)', () => {
  it('formula results are typed like plain cells: 0, FALSE, "", TRUE and errors survive', async () => {
    const body =
      '<row r="1"><c r="A1"><f>A2-A2</f><v>0</v></c><c r="B1" t="b"><f>1=2</f><v>0</v></c><c r="C1" t="b"><f>1=1</f><v>1</v></c>' +
      '<c r="D1" t="str"><f>""</f><v></v></c><c r="E1" t="e"><f>NA()</f><v>#N/A</v></c><c r="F1"><f>7</f><v>7</v></c><c r="G1"><f>X</f></c></row>';
    const file = await book({ sheet: worksheet(body) });
    // G1 has no cached value: not an empty cell but a formula to be calculated (SPEC §4 rule 10).
    expect(await readNew(file)).toEqual([[1, [0, false, true, '', '#N/A', 7, { formula: 'X' }]]]);
    // exceljs drops every falsy result and turns TRUE into 1 and errors into nothing.
    expect(await readOld(file)).toEqual([[1, [null, null, 1, null, null, 7, null]]]);
  });

  it('CDATA text is text', async () => {
    const file = await book({ sheet: worksheet('<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[a<b]]></t></is></c><c r="B1"><v><![CDATA[42]]></v></c></row>') });
    expect(await readNew(file)).toEqual([[1, ['a<b', 42]]]);
    expect(await readOld(file)).toEqual([[1, ['', NaN]]]);
  });

  it('t="d" cells hold ISO dates', async () => {
    const body = '<row r="1"><c r="A1" t="d"><v>2025-10-21</v></c><c r="B1" t="d" s="1"><v>2025-10-21T14:30:00</v></c><c r="C1" t="d"><v>2025-10-21T14:30:00+02:00</v></c><c r="D1" t="d"><v>2025-02-30</v></c></row>';
    const file = await book({ sheet: worksheet(body) });
    expect(await readNew(file)).toEqual([[1, [date(2025, 10, 21), date(2025, 10, 21, 14, 30), date(2025, 10, 21, 12, 30), '2025-02-30']]]);
    const old = await readOld(file);
    expect(old[0]?.[1][0]).toBe(2025);
  });

  it('date1904="true" counts as the 1904 date system, like "1"', async () => {
    const sheet = worksheet('<row r="1"><c r="A1" s="1"><v>0</v></c></row>');
    expect(await readNew(await book({ sheet, workbookPr: 'date1904="true"' }))).toEqual([[1, [date(1904, 1, 1)]]]);
    expect(await readNew(await book({ sheet, workbookPr: 'date1904="1"' }))).toEqual([[1, [date(1904, 1, 1)]]]);
    // Serial 0 in the 1900 system is the 1900-01-00 Excel shows, which is no real date.
    expect(await readNew(await book({ sheet, workbookPr: 'date1904="0"' }))).toEqual([[1, ['1900-01-00']]]);
    expect(await readOld(await book({ sheet, workbookPr: 'date1904="true"' }))).toEqual([[1, [date(1899, 12, 30)]]]);
  });

  it('whole-day date cells reuse one value per serial, and every cell is still what serialToDateCell gives', async () => {
    // The reader keeps a table of whole-day serials (slot = serial mod 4096): repeats, serials that
    // share a slot (45000 and 45000 + 4096, 59/60/61 around the 1900 leap-year bug, 0), times of
    // day and serials Excel cannot show, interleaved, in both date systems.
    const serials = ['45000', '49096', '45000', '45000.5', '49096', '60', '59', '61', '4156', '4155', '0', '45000.75', '2958465', '2958466', '1e20', '45000', '60', '0', '49096'];
    const body = serials.map((v, i) => `<row r="${i + 1}"><c r="A${i + 1}" s="1"><v>${v}</v></c><c r="B${i + 1}" s="6"><v>${v}</v></c></row>`).join('');
    for (const date1904 of [false, true]) {
      const rows = await readNew(await book({ sheet: worksheet(body), workbookPr: date1904 ? 'date1904="1"' : '' }));
      expect(rows.map(([, cells]) => cells)).toEqual(serials.map((v) => [serialToDateCell(Number(v), date1904), serialToDateCell(Number(v), date1904)]));
      // A whole day repeated (here the next cell of the row) is the same object, never mutated
      // downstream; a time of day is a Date of its own.
      const cellsOf = (serial: string) => rows[serials.indexOf(serial)]?.[1] ?? [];
      expect(cellsOf('45000')[1]).toBe(cellsOf('45000')[0]);
      expect(cellsOf('49096')[1]).toBe(cellsOf('49096')[0]);
      expect(cellsOf('45000.5')[1]).not.toBe(cellsOf('45000.5')[0]);
    }
    // Spot checks against what Excel shows, independent of serialToDateCell.
    const rows = await readNew(await book({ sheet: worksheet(body) }));
    const at = (serial: string) => rows[serials.indexOf(serial)]?.[1][0];
    expect(at('45000')).toEqual(date(2023, 3, 15));
    expect(at('45000.5')).toEqual(date(2023, 3, 15, 12));
    expect(at('59')).toEqual(date(1900, 2, 28));
    expect(at('60')).toBe('1900-02-29');
    expect(at('61')).toEqual(date(1900, 3, 1));
    expect(at('0')).toBe('1900-01-00');
    expect(at('2958465')).toEqual(date(9999, 12, 31));
    expect(at('2958466')).toBe(2958466);
  });

  it('the locale date formats (numFmtId 27-36, 50-58) are dates', async () => {
    const file = await book({ sheet: worksheet('<row r="1"><c r="A1" s="5"><v>45951</v></c></row>') });
    expect(await readNew(file)).toEqual([[1, [date(2025, 10, 21)]]]);
    expect(await readOld(file)).toEqual([[1, [45951]]]);
  });

  it('a shared-string cell in a workbook without shared strings is an error naming the cell', async () => {
    const file = await book({ sheet: worksheet('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>2</v></c></row>'), sst: null });
    await expect(readNew(file)).rejects.toThrow(/sheet "S", cell A1 \(xl\/worksheets\/sheet1\.xml\): a shared-string cell, but the workbook has no shared strings part/);
    expect(await readOld(file)).toEqual([[1, ['[object Object]', 2]]]);
  });

  it('multi-byte characters cut by a chunk boundary stay whole', async () => {
    // exceljs decodes each inflated chunk on its own, so a character split between two chunks
    // becomes U+FFFD (16 strings in 20,000 like these, when this was measured). We keep the bytes.
    const texts = Array.from({ length: 20_000 }, (_, i) => `Clínica ${i} — ünïcødé ${'é'.repeat(i % 7)} 中文 🩺`);
    const sst = `<sst xmlns="${MAIN_NS}">${texts.map((t) => `<si><t>${t}</t></si>`).join('')}</sst>`;
    const body = texts.map((_, i) => `<row r="${i + 1}"><c r="A${i + 1}" t="s"><v>${i}</v></c></row>`).join('');
    const file = await book({ sheet: worksheet(body), sst });
    expect((await readNew(file)).map(([, cells]) => cells[0])).toEqual(texts);
    expect((await readNew(file, { inflateChunkBytes: 64, maxSinkBytes: 5 })).map(([, cells]) => cells[0])).toEqual(texts);
  });

  it('phonetic runs are skipped and rich inline runs joined', async () => {
    const sst = `<sst xmlns="${MAIN_NS}"><si><t>漢字</t><rPh sb="0" eb="2"><t>かんじ</t></rPh><phoneticPr fontId="1"/></si></sst>`;
    const body = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><r><t>con</t></r><r><rPr><b/></rPr><t>firmed</t></r><rPh><t>x</t></rPh></is></c></row>';
    const file = await book({ sheet: worksheet(body), sst });
    expect(await readNew(file)).toEqual([[1, ['漢字', 'confirmed']]]);
    expect(await readOld(file)).toEqual([[1, ['かんじ', 'x']]]);
  });
});

describe('numbers and text from bytes agree with parseInt, parseFloat and XML decoding', () => {
  const numbers = [
    '0', '-0', '+7', '12', ' 12 ', '\t5', '007', '1.5', '-1.25', '.5', '5.', '.', '-', '', 'abc', '12abc', '1e3', '1E-3', '0x10',
    '45951.75', '0.1', '0.30000000000000004', '123456789012345', '1234567890123456', '12345678901234567890', '9007199254740993',
    '-0.000001', '3.14159265358979', 'Infinity', '-Infinity', ' \u00a012', '1&#48;', '&#49;2', '1\u20002',
  ];
  it.each(numbers)('%j', (text) => {
    const buf = Buffer.from(text);
    expect(Object.is(parseFloatBytes(buf, 0, buf.length), parseFloat(decodeText(buf, 0, buf.length))) || text.includes('&')).toBe(true);
    expect(Object.is(parseIntBytes(buf, 0, buf.length, false), parseInt(decodeText(buf, 0, buf.length), 10))).toBe(true);
  });

  it('random decimals', () => {
    let seed = 42;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 20_000; i++) {
      const digits = 1 + Math.floor(next() * 17);
      let text = next() < 0.3 ? '-' : '';
      for (let d = 0; d < digits; d++) text += String(Math.floor(next() * 10));
      const point = Math.floor(next() * (digits + 1));
      if (next() < 0.8) text = `${text.slice(0, point + (text.startsWith('-') ? 1 : 0))}.${text.slice(point + (text.startsWith('-') ? 1 : 0))}`;
      const buf = Buffer.from(text);
      expect(Object.is(parseFloatBytes(buf, 0, buf.length), parseFloat(text)), text).toBe(true);
    }
  });

  it('references, line ends and forbidden characters', () => {
    const decode = (text: string) => decodeText(Buffer.from(text), 0, Buffer.byteLength(text));
    expect(decode('a&amp;b&lt;&gt;&quot;&apos;&#65;&#x42;&#x1F600;')).toBe(`a&b<>"'AB😀`);
    expect(decode('a\r\nb\rc\n\rd')).toBe('a\nb\nc\n\nd');
    expect(decode('&#13;&#10;')).toBe('\r\n');
    expect(() => decode('&nbsp;')).toThrow(/undefined entity &nbsp;/);
    expect(() => decode('&AMP;')).toThrow(/undefined entity/);
    expect(() => decode('a & b')).toThrow(/does not start an entity reference/);
    expect(() => decode('&#0;')).toThrow(/malformed character reference/);
    expect(() => decode('&#xD800;')).toThrow(/malformed character reference/);
    expect(() => decode('a\u0001b')).toThrow(/control character/);
  });
});
