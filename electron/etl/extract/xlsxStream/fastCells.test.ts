/**
 * SheetRowsHandler reads the usual cell shapes in one pass (fastElement) and leaves the rest to
 * the generic scanner path. Every combination of start tag, cell type and content below — shapes
 * the one-pass reader takes and shapes it must hand back — gives the same row, or the same error,
 * both ways, read whole and split at every byte.
 */
import { describe, expect, it } from 'vitest';
import type { RawCell } from '../../types';
import { MarkupFilter } from './markupFilter';
import { SharedStringsHandler } from './sharedStrings';
import { SheetRowsHandler } from './sheetRows';
import { parseStyles } from './styles';
import { NS_SML, XmlScanner } from './xmlScanner';

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const STYLES = `<styleSheet xmlns="${MAIN_NS}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>`;
const SST = `<sst xmlns="${MAIN_NS}"><si><t>zero</t></si><si><t xml:space="preserve"> one </t></si></sst>`;

const styles = parseStyles(Buffer.from(STYLES));
const strings = (() => {
  const handler = new SharedStringsHandler();
  const scanner = new XmlScanner(new MarkupFilter(handler, NS_SML, 'sst'));
  scanner.write(Buffer.from(SST));
  scanner.end();
  return handler.strings;
})();

const TAGS = ['<c', '<c r="B2"', "<c r='C2'", '<c r="D2" s="1"', '<c s="1" r="E2"', '<c r="A2" s="0" cm="1"', '<c r="F2" x14ac:foo="1"', '<c  r="G2"', '<c\tr="H2"', '<c r="A&#50;"',
  '<c r="I2" xmlns="urn:other"', '<c r="J2" xmlns:a="urn:a"', '<c r="K2" s="-3"', '<c r="XFE2"', '<c r="2"',
  // r, s and t read while the one-pass reader scans the attributes, and the shapes it leaves to openCell.
  '<c r="$L$2"', '<c r="m2"', '<c r="XFD2"', '<c r="AAAAA2"', '<c r=""', '<c s="007" r="N2"', '<c r="O2" s="1234567890"', '<c r="P2" s="+1"', '<c r="Q2" s="x"',
  '<c r="R2" s=""', '<c r="S2" r="T2"', '<c s="1" s="0" r="U2"', '<c t="s" r="V2"', '<c t="q" r="W2"', '<c t="inlinestr" r="X2"', '<c t="st" r="Y2"'];
const TYPES = ['', ' t="s"', ' t="n"', ' t="str"', ' t="inlineStr"', ' t="b"', ' t="e"', ' t="d"', ' t="q"'];
const CONTENTS = ['/>', '></c>', '><v>1</v></c>', '><v>45000</v></c>', '><v> 7 </v></c>', '><v>abc</v></c>', '><v></v></c>', '><v/></c>', '><v>1&#48;</v></c>', '><v><![CDATA[5]]></v></c>',
  '><v xml:space="preserve"> x </v></c>', '><is><t>text</t></is></c>', '><is><t> padded </t></is></c>', '><is><t xml:space="preserve"> kept </t></is></c>', '><is><t xml:space="default"> cut </t></is></c>',
  '><is><t xml:space="bad">x</t></is></c>', '><is><t>a &amp; b</t></is></c>', '><is><t>_x000D_x</t></is></c>', '><is><t></t></is></c>', '><is><r><t>a</t></r><r><t>b</t></r></is></c>',
  '><f>A1</f><v>2</v></c>', '><f>A1</f></c>', '> <v>3</v> </c>', '><v>4</v> </c>', '><!-- c --><v>5</v></c>', '><x:v xmlns:x="urn:x">6</x:v></c>', '><v>8</v></c >', '><v>2025-10-21T10:00:00Z</v></c>',
  '><v>1</v><v>2</v></c>', '><v>0</v></c>', '><v>1</v></x>',
  // Numbers the one-pass reader parses from the bytes ([-]digits, up to 15) and the shapes it leaves to parseDoubleStrict.
  '><v>-12</v></c>', '><v>-0</v></c>', '><v>-</v></c>', '><v>123456789012345</v></c>', '><v>1234567890123456</v></c>', '><v>9007199254740993</v></c>',
  '><v>1e5</v></c>', '><v>-1.5E-3</v></c>', '><v>.5</v></c>', '><v>1.</v></c>', '><v>+1</v></c>', '><v>0045</v></c>', '><v>-45000</v></c>'];

type Outcome = { rows: [number, RawCell[]][] } | { error: string };

function parse(xml: Buffer, cut: number | null, fastCells: boolean): Outcome {
  const rows: [number, RawCell[]][] = [];
  try {
    const handler = new SheetRowsHandler({ styles, strings, date1904: false, recalculateOnLoad: false, onRow: (row, cells) => rows.push([row, cells]), fastCells });
    const scanner = new XmlScanner(new MarkupFilter(handler, NS_SML, 'worksheet'));
    if (cut === null) scanner.write(xml);
    else {
      scanner.write(xml.subarray(0, cut));
      scanner.write(xml.subarray(cut));
    }
    scanner.end();
    handler.finish();
    return { rows };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

function sheet(cell: string): Buffer {
  return Buffer.from(`<worksheet xmlns="${MAIN_NS}"><sheetData><row r="2"><c r="A2" t="s"><v>0</v></c>${cell}<c><v>9</v></c></row><row r="3">${cell}</row></sheetData></worksheet>`);
}

describe('one-pass cells and generic cells give the same rows or the same error', () => {
  it('for every combination of start tag, type and content, read whole', () => {
    let fastShapes = 0;
    for (const tag of TAGS) {
      for (const type of TYPES) {
        for (const content of CONTENTS) {
          const cell = `${tag}${type}${content}`;
          const xml = sheet(cell);
          const fast = parse(xml, null, true);
          expect(fast, cell).toEqual(parse(xml, null, false));
          if ('rows' in fast) fastShapes++;
        }
      }
    }
    // Most combinations read; the ones that fail must fail the same way (checked above).
    expect(fastShapes).toBeGreaterThan(1000);
  });

  it('for every combination of type and content with a plain tag, split at every byte of the cell', () => {
    for (const type of TYPES) {
      for (const content of CONTENTS) {
        const cell = `<c r="B2"${type}${content}`;
        const xml = sheet(cell);
        const whole = parse(xml, null, false);
        const start = xml.indexOf(cell);
        for (let cut = start; cut <= start + cell.length; cut++) expect(parse(xml, cut, true), `${cell} split at ${cut}`).toEqual(whole);
      }
    }
  }, 120_000);
});

describe('inline strings met again read as the first time', () => {
  it('with more distinct texts than fit at once, preserved and trimmed, rich and plain, cells without r', () => {
    // 20,000 distinct texts, each met three times in turn: beyond any small table, so texts are
    // found again, missed and re-added; the same bytes preserved and not are different texts.
    const texts = Array.from({ length: 20_000 }, (_, i) => ` d${i % 7 === 0 ? '&amp;' : ''}${i} `);
    const rows: string[] = [];
    let row = 1;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < texts.length; i += 1) {
        const text = texts[(i * 7919 + round) % texts.length] as string;
        rows.push(
          `<row r="${row}"><c t="inlineStr"><is><t>${text}</t></is></c><c t="inlineStr"><is><t xml:space="preserve">${text}</t></is></c>` +
            `<c r="D${row}" t="inlineStr"><is><r><t>${text}</t></r><r><t xml:space="preserve">${text}</t></r></is></c><c><v>-${i}</v></c></row>`,
        );
        row += 1;
      }
    }
    const xml = Buffer.from(`<worksheet xmlns="${MAIN_NS}"><sheetData>${rows.join('')}</sheetData></worksheet>`);
    const fast = parse(xml, null, true);
    expect(fast).toEqual(parse(xml, null, false));
    if (!('rows' in fast)) throw new Error('the sheet did not read');
    const [, cells] = fast.rows[1] as [number, RawCell[]];
    const text = texts[7919 % texts.length] as string;
    const decoded = text.replace('&amp;', '&');
    expect(cells).toEqual([decoded.trim(), decoded, null, `${decoded.trim()}${decoded}`, -1]);
  });
});
