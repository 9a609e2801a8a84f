/**
 * One final appointment's six loaded fields, written straight from the table's columns: the
 * COPY text (tab-separated) and final_appointments.csv (comma-separated) carry the same fields in
 * the same order, as digits, a YYYY-MM-DD day or a status word, so neither needs quoting.
 */
import type { AppointmentColumns } from '../appointmentTable';
import type { ByteWriter } from './byteWriter';

// In the order of appointmentTable's STATUSES (not imported as a value: that module's import
// cycle through the outputs would leave it undefined here while modules load).
const STATUS_BYTES = [Buffer.from('confirmed'), Buffer.from('cancelled')];

/** booking_id, patient_id, doctor_id, booking_date, status, source_row of row `i`, `separator` between them and none after. */
export function writeAppointmentFields(out: ByteWriter, columns: AppointmentColumns, i: number, separator: number): void {
  const booking = columns.bookingIds[i] as number;
  // NaN marks an id too large for a double; its digits are kept as text.
  if (booking === booking) out.uint(booking);
  else out.text(columns.bigBookingIds.get(i) as string);
  out.byte(separator);
  const patient = columns.patientIds[i] as number;
  if (patient === patient) out.uint(patient);
  else out.text(columns.bigPatientIds.get(i) as string);
  out.byte(separator);
  out.uint(columns.doctorIds[i] as number);
  out.byte(separator);
  out.day(columns.days[i] as number);
  out.byte(separator);
  out.bytes(STATUS_BYTES[columns.statuses[i] as number] as Buffer);
  out.byte(separator);
  out.uint(columns.sourceRows[i] as number);
}
