/**
 * Import and preview: workbooks dropped on the window (real files through a DataTransfer), chosen
 * with the dialog, or the samples; the preview's numbers on screen, its placeholders and every
 * rejected row (Excel row, reason, every problem) are the CLI's `--json` dry run for the same
 * files and run date, also with a run date chosen in the preview options; every dropped file is
 * acknowledged (a second doctors workbook set aside, a picture called a picture); files that
 * cannot be used are named in a message.
 */
import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT, expect, test } from '../fixtures';
import { cliDryRun, localToday, type CliDryRun } from '../fixtures/cli';
import { generatePair, writeCsvRenamedAsXlsx, writeUnrelatedWorkbook, writeWorkbook, type WorkbookPair } from '../fixtures/workbooks';
import { ImportPage, type FileKind } from '../pages/importPage';
import { PreviewPage } from '../pages/previewPage';

const KINDS: FileKind[] = ['doctors', 'appointments'];
const SAMPLES: WorkbookPair = { doctors: path.join(ROOT, 'samples', 'doctors.xlsx'), appointments: path.join(ROOT, 'samples', 'appointments.xlsx') };

/** The preview's run date (today where the app runs) and the CLI's dry run for that date. */
async function cliForPreview(preview: PreviewPage, files: WorkbookPair, today: string): Promise<CliDryRun> {
  const runDate = await preview.runDate();
  // The preview measures suspicious dates from today (local); the CLI is told the same day.
  expect([today, localToday()]).toContain(runDate);
  return cliDryRun(files, runDate);
}

/** Rows per file, totals and placeholders on screen equal the CLI's report. */
async function expectSameNumbers(preview: PreviewPage, { report }: CliDryRun): Promise<void> {
  for (const kind of KINDS) {
    const { read, kept, fixed, rejected, repeatedHeaders, blankRows } = report.files[kind].counts;
    expect(await preview.fileCounts(kind), `${kind}: rows per file`).toEqual({ read, kept, fixed, rejected, repeatedHeaders, blankRows });
    expect(await preview.reconciles(kind), `${kind}: read = kept + rejected + repeated headers + blank rows`).toBe(true);
  }
  expect(await preview.totals()).toEqual({
    appointments: report.counts.appointments,
    doctors: report.counts.doctors,
    rejected: report.counts.rejected,
    duplicates: report.counts.duplicates,
    fixes: report.counts.fixed,
    placeholders: report.counts.placeholders,
    suspicious: report.counts.suspicious_dates,
  });
  expect(await preview.dateOrderUsed()).toBe(report.date_order.used);
}

test.describe('Import and preview', () => {
  test('workbooks dropped on the window preview exactly what the CLI reports, row by row', async ({ app }, testInfo) => {
    const files = await generatePair(testInfo.outputPath('workbooks'), { seed: 20251020, appointments: 3000 });
    const importPage = new ImportPage(app);
    const preview = new PreviewPage(app);
    const today = localToday();

    // Appointments first, then doctors, in one drop: each file finds its slot by its header row.
    await importPage.dropFiles([files.appointments, files.doctors]);
    await preview.waitForResult();
    await expect(preview.page.getByText(`${path.basename(files.doctors)} and ${path.basename(files.appointments)}`)).toBeVisible();

    const cli = await cliForPreview(preview, files, today);
    await expectSameNumbers(preview, cli);
    expect(cli.report.counts.rejected, 'the generated files have dirt to reject').toBeGreaterThan(50);

    // Placeholder doctors: the same ids.
    expect((await preview.placeholderIds()).sort((a, b) => a - b)).toEqual([...cli.report.placeholders].sort((a, b) => a - b));

    // Every rejected row, scrolled through in the virtual table: file, Excel row, the reason's sentence.
    await preview.showTab('Rejected rows');
    const key = (r: { file: string; row: number; message: string }) => `${r.file}|${r.row}|${r.message}`;
    const onScreen = await preview.readRejectedRows();
    expect(onScreen).toHaveLength(cli.rejected.length);
    expect(onScreen.map(key).sort()).toEqual(cli.rejected.map(key).sort());

    // The reason filter offers exactly the CLI's reasons with its counts; filtered, each reason
    // lists exactly the CLI's rows for that reason, all under one label.
    const options = await preview.rejectedReasonOptions();
    expect(Object.fromEntries(options.map((o) => [o.reason, o.count]))).toEqual(cli.report.rejected_by_reason);
    for (const { reason, label } of options) {
      await preview.filterRejectedByReason(reason);
      await expect.poll(() => preview.rejectedMatching()).toBe(cli.report.rejected_by_reason[reason]);
      const rows = await preview.readRejectedRows();
      expect(new Set(rows.map((r) => r.reason)), `label of ${reason}`).toEqual(new Set([label]));
      expect(rows.map((r) => `${r.file}|${r.row}`).sort(), `rows rejected for ${reason}`).toEqual(
        cli.rejected.filter((r) => r.reason === reason).map((r) => `${r.file}|${r.row}`).sort(),
      );
    }
  });

  test('files dropped one at a time, doctors first, land in their slots and the preview starts when both are in', async ({ app }) => {
    const importPage = new ImportPage(app);
    const preview = new PreviewPage(app);
    const today = localToday();

    await importPage.dropFiles([SAMPLES.doctors]);
    await expect(importPage.slot('doctors')).toContainText('Recognised');
    expect(await importPage.fileIn('doctors')).toBe('doctors.xlsx');
    await expect(importPage.slot('appointments')).toContainText('Not chosen yet');

    await importPage.dropFiles([SAMPLES.appointments]);
    await preview.waitForResult();
    await expectSameNumbers(preview, await cliForPreview(preview, SAMPLES, today));
  });

  test('a file that is not a workbook, and a workbook with other headers, are named in a message', async ({ app }, testInfo) => {
    const importPage = new ImportPage(app);
    const notAWorkbook = await writeCsvRenamedAsXlsx(testInfo.outputPath('bookings export.xlsx'));
    const rota = await writeUnrelatedWorkbook(testInfo.outputPath('staff rota.xlsx'));

    await importPage.dropFiles([notAWorkbook, rota]);
    await expect(importPage.fileProblems).toBeVisible({ timeout: 30_000 });
    const messages = importPage.fileProblems.getByRole('listitem');
    await expect(messages).toHaveCount(2);
    await expect(messages.filter({ hasText: 'bookings export.xlsx' })).toHaveCount(1);
    await expect(messages.filter({ hasText: 'staff rota.xlsx' })).toHaveCount(1);
    // Neither file took a slot, and nothing was previewed.
    await expect(importPage.slot('doctors')).toContainText('Not chosen yet');
    await expect(importPage.slot('appointments')).toContainText('Not chosen yet');
    await expect(importPage.page.getByRole('heading', { level: 1, name: 'Import workbooks' })).toBeVisible();
  });

  test('every dropped file is acknowledged: a second doctors workbook is set aside, a PNG is called a PNG', async ({ app }, testInfo) => {
    const importPage = new ImportPage(app);
    const preview = new PreviewPage(app);
    const copy = testInfo.outputPath('doctors (1).xlsx');
    await copyFile(SAMPLES.doctors, copy);
    const picture = testInfo.outputPath('scan.png');
    await writeFile(picture, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(128)]));

    await importPage.dropFiles([SAMPLES.doctors, copy, picture]);
    await expect(importPage.fileProblems).toContainText('scan.png is a PNG image, not an .xlsx workbook. Drop the doctors or appointments workbook (.xlsx) instead.');
    await expect(importPage.fileProblems).not.toContainText('Excel');
    await expect.poll(() => importPage.fileNotes()).toEqual([
      'doctors.xlsx: the doctors workbook, sheet “Doctors”.',
      'doctors (1).xlsx: also a doctors workbook, set aside: doctors.xlsx is used. Drop it on its own to use it instead.',
    ]);
    expect(await importPage.fileIn('doctors')).toBe('doctors.xlsx');

    // Two doctors workbooks with the appointments: the preview runs, and says which doctors file it used.
    await importPage.removeFile('doctors');
    await importPage.dropFiles([copy, SAMPLES.doctors, SAMPLES.appointments]);
    await preview.waitForResult();
    await expect(preview.page.getByTestId('file-notes')).toHaveText(/doctors\.xlsx: also a doctors workbook, set aside: doctors \(1\)\.xlsx is used/);
  });

  test('a run date chosen in the preview options is the one rule 9 measures from, as the CLI’s --run_date', async ({ app }) => {
    const importPage = new ImportPage(app);
    const preview = new PreviewPage(app);
    await importPage.trySampleData();
    await preview.waitForResult();
    await preview.setRunDate('2025-10-31');
    await expect.poll(() => preview.runDate(), { timeout: 60_000 }).toBe('2025-10-31');
    await preview.waitForResult();
    await expectSameNumbers(preview, await cliDryRun(SAMPLES, '2025-10-31'));
  });

  test('a rejected row with several problems shows every one, in the table and in full', async ({ app }, testInfo) => {
    const importPage = new ImportPage(app);
    const preview = new PreviewPage(app);
    const doctors = await writeWorkbook(testInfo.outputPath('doctors.xlsx'), 'Doctors', [
      ['doctor_id', 'name', 'specialty'],
      [101, 'Dr. Ana Lima', 'Cardiology'],
    ]);
    const appointments = await writeWorkbook(testInfo.outputPath('appointments.xlsx'), 'Appointments', [
      ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status'],
      [1001, 34, 101, '10/20/2025', 'confirmed'],
      [1002, null, '37X', '02/30/2025', 'pending'],
    ]);
    await importPage.dropFiles([doctors, appointments]);
    await preview.waitForResult();
    const problems = [
      'patient_id is empty',
      'doctor_id "37X" is not a whole number id',
      'booking_date "02/30/2025" is not a real date (read month first)',
      'status "pending" is neither confirmed nor cancelled',
    ];
    // The reason (and its count) is the first problem; the row lists all four.
    expect(await preview.readRejectedRows()).toEqual([{ reason: 'Missing value', file: 'appointments', row: 3, message: problems[0], problems, raw: expect.stringContaining('37X') as unknown as string }]);
    const full = await preview.rowDetails('appointments', 3);
    expect(full.title).toBe('Appointments, Excel row 3');
    expect(full.problems).toEqual(['Missing value · patient_id: patient_id is empty', 'Not a whole number · doctor_id: doctor_id "37X" is not a whole number id', 'Not a real date · booking_date: booking_date "02/30/2025" is not a real date (read month first)', 'Unknown status · status: status "pending" is neither confirmed nor cancelled']);
    expect(full.values).toEqual({ booking_id: '1002', patient_id: '(empty)', doctor_id: '37X', booking_date: '02/30/2025', status: 'pending' });
  });

  test('"Try the sample data" previews the bundled workbooks', async ({ app }) => {
    const importPage = new ImportPage(app);
    const preview = new PreviewPage(app);
    const today = localToday();

    await importPage.trySampleData();
    await preview.waitForResult();
    await expectSameNumbers(preview, await cliForPreview(preview, SAMPLES, today));
  });

  test('workbooks chosen with the file dialog preview what the CLI reports', async ({ app }, testInfo) => {
    const files = await generatePair(testInfo.outputPath('workbooks'), { seed: 7, appointments: 1200 });
    const importPage = new ImportPage(app);
    const preview = new PreviewPage(app);
    const today = localToday();

    await importPage.chooseWithDialog([files.doctors, files.appointments]);
    await preview.waitForResult();
    await expectSameNumbers(preview, await cliForPreview(preview, files, today));
  });
});
