/** The readable end-of-run summary the CLI prints when --json is not given. */
import type { BusinessAnswers } from '../db/businessQuestions';
import type { LoadResult } from '../db/load';
import type { OutputFiles } from '../etl/output/writeOutputs';
import type { ReportSummary } from '../etl/report';
import type { LakeExport } from '../lake/exportRun';

export function humanSummary(report: ReportSummary, load: LoadResult | undefined, answers: BusinessAnswers | undefined, outputs: OutputFiles, database?: string, lake?: LakeExport): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const lines: string[] = [''];
  for (const file of Object.values(report.files)) {
    const c = file.counts;
    lines.push(
      `${file.kind.padEnd(13)} ${file.name} [${file.sheet}]: read ${n(c.read)} = kept ${n(c.kept)} + rejected ${n(c.rejected)} + repeated headers ${n(c.repeatedHeaders)} + blank ${n(c.blankRows)}; ${n(c.fixed)} values fixed`,
    );
  }
  const d = report.dateOrder;
  lines.push(`date order    ${d.used} (${d.basis.replace(/_/g, ' ')}; day-first evidence ${n(d.evidence.dayFirst)}, month-first ${n(d.evidence.monthFirst)})`);
  const byReason = Object.entries(report.rejectedByReason);
  if (byReason.length > 0) lines.push(`rejected      ${byReason.map(([reason, count]) => `${reason} ${n(count)}`).join(', ')}`);
  if (report.placeholders.length > 0) lines.push(`placeholders  doctor ${report.placeholders.map((p) => p.doctorId).join(', ')} (name and specialty 'Unknown')`);
  if (report.counts.suspicious_dates > 0) {
    lines.push(`suspicious    ${n(report.counts.suspicious_dates)} date(s) ${report.options.suspiciousPolicy === 'quarantine' ? 'quarantined' : 'kept with a warning'}`);
  }
  lines.push(`final tables  doctors ${n(report.counts.doctors)}, appointments ${n(report.counts.appointments)}`);
  if (load) lines.push(`loaded        run ${load.runId} into ${database ?? 'the database'} in ${n(load.ms)} ms`);
  else lines.push('loaded        nothing (dry run)');
  if (answers) {
    lines.push('');
    lines.push(`Q1 most confirmed: ${answers.q1.map((a) => `doctor ${a.doctor_id} (${a.name}) with ${a.confirmed}`).join('; ') || 'none'}`);
    lines.push(`Q2 confirmed appointments for patient 34: ${answers.q2}`);
    lines.push(`Q3 cancelled 2025-10-21..2025-10-24: ${answers.q3}`);
    lines.push(`Q4 confirmed by doctor: ${answers.q4.map((a) => `${a.doctor_id}:${a.confirmed}`).join(', ')}`);
  }
  lines.push('');
  lines.push(`outputs       ${Object.values(outputs).join(', ')}`);
  if (lake?.localDir) lines.push(`parquet       ${lake.localDir} (${n(lake.files)} files, ${n(lake.bytes)} bytes)`);
  if (lake?.s3) lines.push(`s3            ${lake.s3.prefix} (${n(lake.s3.objects - lake.s3.skipped)} uploaded, ${n(lake.s3.skipped)} already there); ${lake.s3.pointer} points at run ${lake.runId}`);
  return `${lines.join('\n')}\n`;
}
