import { describe, expect, it } from 'vitest';
import { describeByMagic, describeZip } from './notAWorkbook';

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (value: string) => new TextEncoder().encode(value);

describe('what a file that is not a workbook is', () => {
  it('images and documents by their first bytes, told to drop the workbook instead', () => {
    expect(describeByMagic(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toEqual({ what: 'a PNG image', hint: 'Drop the doctors or appointments workbook (.xlsx) instead.' });
    expect(describeByMagic(bytes(0xff, 0xd8, 0xff, 0xe0)).what).toBe('a JPEG image');
    expect(describeByMagic(text('GIF89a')).what).toBe('a GIF image');
    expect(describeByMagic(text('%PDF-1.7')).what).toBe('a PDF document');
    expect(describeByMagic(text('%PDF-1.7')).hint).not.toMatch(/save it as/i);
  });

  it('a CSV, a web page and an old .xls are told how to become a workbook', () => {
    expect(describeByMagic(text('booking_id,patient_id\n'))).toEqual({ what: 'a text file (CSV?)', hint: 'Open it in Excel and save it as .xlsx.' });
    expect(describeByMagic(text('<!DOCTYPE html><html>')).what).toBe('a web page (HTML)');
    expect(describeByMagic(bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)).hint).toBe('Open it in Excel and save it as .xlsx (without a password).');
  });

  it('unknown bytes are simply not a workbook', () => {
    expect(describeByMagic(bytes(0x00, 0x01, 0x02, 0x03))).toEqual({ what: 'not an Excel workbook (.xlsx)', hint: 'Drop the doctors or appointments workbook (.xlsx) instead.' });
  });

  it('zips that are other documents, by their parts', () => {
    expect(describeZip(['[Content_Types].xml', 'word/document.xml']).what).toBe('a Word document');
    expect(describeZip(['ppt/presentation.xml']).what).toBe('a PowerPoint presentation');
    expect(describeZip(['mimetype', 'content.xml', 'styles.xml']).what).toBe('an OpenDocument file (.ods?)');
    expect(describeZip(['doctors.xlsx']).what).toBe('a zip archive, not an Excel workbook');
  });
});
