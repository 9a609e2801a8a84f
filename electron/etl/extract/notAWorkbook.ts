/**
 * What a file that is not an .xlsx workbook really is, in words fitted to it: a PNG dropped by
 * mistake is "a PNG image", not a workbook to "save as .xlsx in Excel"; a CSV or an old .xls is
 * told how to become one. Read from the first bytes (and, for zips, the names of their parts).
 */

export interface NotAWorkbook {
  /** "a PNG image", "a text file (CSV?)". */
  what: string;
  /** What to do instead, as a sentence. */
  hint: string;
}

const OTHER_FILE = 'Drop the doctors or appointments workbook (.xlsx) instead.';

const SIGNATURES: { bytes: readonly (number | null)[]; what: string; hint?: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x52, 0x49, 0x46, 0x46, null, null, null, null, 0x57, 0x45, 0x42, 0x50], what: 'a WebP image' },
  { bytes: [0x49, 0x49, 0x2a, 0x00], what: 'a TIFF image' },
  { bytes: [0x4d, 0x4d, 0x00, 0x2a], what: 'a TIFF image' },
  { bytes: [0x42, 0x4d], what: 'a BMP image' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document', hint: 'Ask for the data as an Excel workbook (.xlsx) and drop that instead.' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive', hint: 'Unpack it and drop the .xlsx workbooks inside.' },
  { bytes: [0x52, 0x61, 0x72, 0x21], what: 'a RAR archive', hint: 'Unpack it and drop the .xlsx workbooks inside.' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive', hint: 'Unpack it and drop the .xlsx workbooks inside.' },
  {
    bytes: [0xd0, 0xcf, 0x11, 0xe0],
    what: 'an old-style .xls workbook or a password-protected file',
    hint: 'Open it in Excel and save it as .xlsx (without a password).',
  },
];

/** A file whose first bytes are not a zip: what it is. */
export function describeByMagic(head: Uint8Array): NotAWorkbook {
  for (const signature of SIGNATURES) {
    if (head.length >= signature.bytes.length && signature.bytes.every((byte, i) => byte === null || head[i] === byte)) {
      return { what: signature.what, hint: signature.hint ?? OTHER_FILE };
    }
  }
  const text = head.every((byte) => byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127) || byte >= 0xc2);
  if (text) {
    const start = new TextDecoder().decode(head).trimStart().toLowerCase();
    if (start.startsWith('<!doctype html') || start.startsWith('<html')) return { what: 'a web page (HTML)', hint: 'Save the data from Excel as .xlsx and drop that instead.' };
    if (start.startsWith('{\\rtf')) return { what: 'a rich-text document', hint: OTHER_FILE };
    if (start.startsWith('<?xml')) return { what: 'an XML file (perhaps an Excel 2003 XML spreadsheet)', hint: 'Open it in Excel and save it as .xlsx.' };
    return { what: 'a text file (CSV?)', hint: 'Open it in Excel and save it as .xlsx.' };
  }
  return { what: 'not an Excel workbook (.xlsx)', hint: OTHER_FILE };
}

/** A zip without xl/workbook.xml: what it is, from the names of its parts. */
export function describeZip(partNames: Iterable<string>): NotAWorkbook {
  const names = [...partNames];
  const has = (prefix: string) => names.some((name) => name.startsWith(prefix));
  if (has('word/')) return { what: 'a Word document', hint: OTHER_FILE };
  if (has('ppt/')) return { what: 'a PowerPoint presentation', hint: OTHER_FILE };
  if (names.includes('content.xml') && names.includes('mimetype')) {
    return { what: 'an OpenDocument file (.ods?)', hint: 'Save it from LibreOffice or Excel as .xlsx (“Excel 2007-365”) and drop that instead.' };
  }
  if (has('Index/') || has('Data/')) return { what: 'a Numbers spreadsheet', hint: 'Export it from Numbers as Excel (.xlsx) and drop that instead.' };
  return { what: 'a zip archive, not an Excel workbook', hint: 'If the workbooks are inside, unpack it and drop them instead.' };
}
