/**
 * The reasons a row is rejected, in the words the analyst reads: on screen, in the rejected-rows
 * workbook and the CSV (beside the stable codes, which programs and filters use).
 */
import type { RejectReason } from './domain';

export const REASON_LABEL: Record<RejectReason, string> = {
  missing_value: 'Missing value',
  formula_not_calculated: 'Formula not calculated',
  invalid_integer: 'Not a whole number',
  integer_out_of_range: 'Number out of range',
  invalid_date: 'Not a real date',
  invalid_status: 'Unknown status',
  duplicate: 'Duplicate',
  suspicious_date: 'Suspicious date (quarantined)',
};
