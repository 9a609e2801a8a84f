/**
 * exceljs's streaming parser stops quietly at the end of whatever XML it is given, so a sheet cut
 * off inside a well-formed zip would silently lose rows. This inflates the parts the reader
 * depends on (in parallel with parsing: zlib works off the JS thread) and checks that each one
 * really ends with its closing root tag and is no bigger than the zip says. The size check also
 * catches bombs whose central directory lies about sizes.
 */
import path from 'node:path';
import yauzl from 'yauzl';
import { InputFileError } from '../../electron/etl/errors';

export interface PartCheck {
  part: string;
  /** Local name of the root element, e.g. `worksheet`, `sst`. */
  root: string;
}

export async function verifyParts(file: string, parts: PartCheck[], maxBytes: number, signal?: AbortSignal): Promise<void> {
  const label = path.basename(file);
  const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true });
  try {
    const wanted = new Map(parts.map((p) => [p.part, p]));
    const entries: yauzl.Entry[] = [];
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        if (wanted.has(entry.fileName)) entries.push(entry);
        zip.readEntry();
      });
      zip.on('end', resolve);
      zip.on('error', reject);
      zip.readEntry();
    });
    for (const entry of entries) {
      const check = wanted.get(entry.fileName) as PartCheck;
      let tail = '';
      let total = 0;
      try {
        const stream = await zip.openReadStreamPromise(entry);
        for await (const chunk of stream) {
          if (signal?.aborted) {
            stream.destroy();
            return;
          }
          total += (chunk as Buffer).length;
          if (total > maxBytes) {
            stream.destroy();
            throw new InputFileError('zip_bomb', `${label} was refused: its part ${entry.fileName} inflates beyond ${maxBytes} bytes.`, { file });
          }
          tail = (tail + (chunk as Buffer).toString('latin1')).slice(-256);
        }
      } catch (error) {
        if (error instanceof InputFileError) throw error;
        throw new InputFileError(
          'corrupt_workbook',
          `${label}: the part ${entry.fileName} is damaged (${(error as Error).message}). Open the file in Excel and save it again.`,
          { file },
          {},
          { cause: error },
        );
      }
      if (!new RegExp(`</(?:[\\w.-]+:)?${check.root}>\\s*$`).test(tail)) {
        throw new InputFileError(
          'corrupt_workbook',
          `${label}: the part ${entry.fileName} is cut off (it does not end with </${check.root}>); rows may be missing. Open the file in Excel and save it again.`,
          { file },
        );
      }
    }
  } finally {
    zip.close();
  }
}
