/**
 * `npm run bench:read -- --doctors FILE --appointments FILE [--runs R]`
 *
 * The read phase of the pipeline on any pair of workbooks (the full bench, `npm run bench`, only
 * reads the generator's): prepareRun's read_doctors / read_appointments / clean timings, plus the
 * bare reader (readSheet, no cleaning) on the appointments file, min / median / max over R runs.
 * No database. Used to compare writers (openpyxl, LibreOffice, SheetJS, …) and before/after a
 * change to the reader; on a shared machine, run it several times and report ranges.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readSheet } from '../electron/etl/extract/readSheet';
import { prepareRun } from '../electron/etl/prepareRun';

interface Sample {
  readDoctorsMs: number;
  readAppointmentsMs: number;
  cleanMs: number;
  readerOnlyMs: number;
  rows: number;
}

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  return `min ${sorted[0]} · median ${median} · max ${sorted[sorted.length - 1]} ms`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { doctors: { type: 'string' }, appointments: { type: 'string' }, runs: { type: 'string' }, sheet: { type: 'string' } },
    strict: true,
  });
  if (!values.doctors || !values.appointments) {
    process.stderr.write('Usage: npm run bench:read -- --doctors FILE --appointments FILE [--runs R]\n');
    process.exitCode = 2;
    return;
  }
  const runs = Math.max(1, Number(values.runs ?? 3) || 3);
  const samples: Sample[] = [];
  for (let run = 0; run < runs; run++) {
    const prepared = await prepareRun({ doctors: { path: values.doctors }, appointments: { path: values.appointments }, runDate: '2025-11-01' });
    let rows = 0;
    const started = performance.now();
    await readSheet(values.appointments, () => rows++, values.sheet ? { sheet: values.sheet } : {});
    samples.push({ ...prepared.timings, readerOnlyMs: Math.round(performance.now() - started), rows });
    process.stderr.write(`run ${run + 1}/${runs}: read_appointments ${prepared.timings.readAppointmentsMs} ms\n`);
  }
  const size = (await stat(values.appointments)).size;
  const lines = [
    `appointments: ${path.basename(values.appointments)} (${(size / 1024 ** 2).toFixed(1)} MiB, ${samples[0]?.rows ?? 0} rows stored), ${runs} run(s)`,
    `  read_doctors       ${stats(samples.map((s) => s.readDoctorsMs))}`,
    `  read_appointments  ${stats(samples.map((s) => s.readAppointmentsMs))}`,
    `  clean              ${stats(samples.map((s) => s.cleanMs))}`,
    `  reader only        ${stats(samples.map((s) => s.readerOnlyMs))}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:read: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
