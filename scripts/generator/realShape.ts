/**
 * A small pair shaped like the exports analysts really send, beside the generator's uniform sets:
 * a few hundred bookings within five days of October 2025, three doctors, one doctor id missing
 * from the doctors file (one placeholder), the usual dirt, and at the end of the sheet the booking
 * date dragged down in Excel for 330 more rows, one year each (10/24/2026 … 10/24/2355).
 *
 * The dashboard is held to this shape: its default view counts all of it, the trend shows the
 * five days by day, and the 330 far-future bookings are a marker beside the chart.
 */
import type { GenerateOptions } from './generateWorkbooks';

export const REAL_SHAPE_OPTIONS: Readonly<Omit<GenerateOptions, 'outDir'>> = Object.freeze({
  seed: 20251020,
  appointments: 300,
  doctors: 3,
  patients: 120,
  dateRange: { from: '2025-10-20', to: '2025-10-24' },
  unknownDoctorIds: [105],
  // The dragged dates are the only fill series: no short runs inside the data.
  dirt: { fillSeries: 0 },
  trailingFillSeries: { from: '2025-10-24', years: 331 },
});
