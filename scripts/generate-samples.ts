/**
 * `npm run samples`: regenerate the bundled sample workbooks in samples/ (fixed seed).
 * With options, write workbooks of any size elsewhere, e.g.
 *   node dist/node/generate-samples.cjs --rows 1000000 --seed 7 --out /tmp/big
 * or a pair shaped like a real export (five days, three doctors, a date dragged to 2355):
 *   node dist/node/generate-samples.cjs --real-shape --out /tmp/real
 */
import { parseArgs } from 'node:util';
import { CLEAN_DIRT_RATES, generateWorkbooks, summarise, type GenerateOptions } from './generator/generateWorkbooks';
import { REAL_SHAPE_OPTIONS } from './generator/realShape';
import { SAMPLE_OPTIONS } from './generator/sample';

const USAGE = `Usage: generate-samples [options]
  (no options)          regenerate samples/doctors.xlsx and samples/appointments.xlsx
  --rows N              appointment rows below the header (default: the sample's 250)
  --doctors N           doctors in the roster (default: 15 for the sample, else max(12, rows/400))
  --seed S              seed (default: the sample's seed)
  --out DIR             output folder (default: samples; required with --rows/--seed/--doctors/--clean)
  --date-order mdy|dmy  how slash text dates are written (default mdy)
  --date1904            write workbooks with the 1904 date system
  --extra-sheet         put a README sheet before the data sheet
  --real-shape          a small pair shaped like a real export: five days of bookings, three
                        doctors, one placeholder, a booking date dragged down to 2355
  --clean               no dirt at all
  --no-examples         do not force one example of every dirt kind
  -h, --help            this text
`;

function fail(message: string): never {
  process.stderr.write(`generate-samples: ${message}\n${USAGE}`);
  process.exit(2);
}

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) fail(`--${name} needs a non-negative integer, got "${text}"`);
  return Number(text);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        rows: { type: 'string' },
        doctors: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        'date-order': { type: 'string' },
        date1904: { type: 'boolean' },
        'extra-sheet': { type: 'boolean' },
        clean: { type: 'boolean' },
        'real-shape': { type: 'boolean' },
        'no-examples': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const order = values['date-order'];
  if (order !== undefined && order !== 'mdy' && order !== 'dmy') fail(`--date-order must be mdy or dmy, got "${order}"`);

  if (values['real-shape']) {
    if (values.out === undefined) fail('--out DIR is required with --real-shape');
    const result = await generateWorkbooks({ ...REAL_SHAPE_OPTIONS, outDir: values.out });
    process.stdout.write(`Generated a real export's shape: ${summarise(result)}\n`);
    return;
  }
  const rows = integer('rows', values.rows);
  const isSample = rows === undefined;
  const customised = !isSample || values.seed !== undefined || values.doctors !== undefined || values.clean === true;
  // Keep the committed samples what `npm run samples` makes: anything else needs its own folder.
  if (customised && values.out === undefined) fail('--out DIR is required with --rows, --seed, --doctors or --clean');
  const options: GenerateOptions = {
    ...(isSample ? SAMPLE_OPTIONS : { seed: SAMPLE_OPTIONS.seed, appointments: rows }),
    outDir: values.out ?? 'samples',
  };
  const doctors = integer('doctors', values.doctors);
  if (doctors !== undefined) options.doctors = doctors;
  const seed = integer('seed', values.seed);
  if (seed !== undefined) options.seed = seed;
  if (order !== undefined) options.slashDateOrder = order;
  if (values.date1904) options.date1904 = true;
  if (values['extra-sheet']) options.extraSheetsFirst = true;
  if (values.clean) options.dirt = { ...CLEAN_DIRT_RATES };
  if (values['no-examples']) options.examples = false;

  const started = Date.now();
  const result = await generateWorkbooks(options);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`Generated (seed ${options.seed}, ${seconds}s) ${summarise(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`generate-samples: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
