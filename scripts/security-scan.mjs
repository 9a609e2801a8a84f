// Runs the Electronegativity static scan over the Electron sources and the renderer page, and
// fails on any finding that build/electronegativity-baseline.json does not explain, and on any
// explanation that no longer matches a finding (so the baseline never outlives what it explains).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = process.cwd();
const baseline = JSON.parse(readFileSync(path.join(root, 'build', 'electronegativity-baseline.json'), 'utf8'));
const electronVersion = JSON.parse(readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
const scanDir = mkdtempSync(path.join(os.tmpdir(), 'security-scan-'));
// SARIF, not CSV: Electronegativity writes its CSV header and rows with two racing asynchronous
// writes, and under load the header lands over the first row.
const report = path.join(scanDir, 'findings.sarif');
try {
  cpSync(path.join(root, 'electron'), path.join(scanDir, 'electron'), { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
  cpSync(path.join(root, 'renderer', 'index.html'), path.join(scanDir, 'renderer', 'index.html'));
  execFileSync(
    process.execPath,
    [
      path.join(root, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js'),
      '-i', scanDir, '-e', electronVersion, '-r', '-v', 'false',
      '-x', baseline.skipped_checks.map((c) => c.check).join(','),
      '-o', report,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], cwd: scanDir },
  );
  const sarif = JSON.parse(readFileSync(report, 'utf8'));
  // With -r the locations are relative to the scanned folder, as the baseline names them.
  const findings = sarif.runs.flatMap((run) =>
    run.results.map((result) => ({ check: result.ruleId, level: result.level, file: result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '' })),
  );
  const unexplained = findings.filter((f) => !baseline.explained.some((e) => e.check === f.check && e.file === f.file));
  for (const f of findings) {
    const explained = !unexplained.includes(f);
    process.stdout.write(`${explained ? 'explained ' : 'UNEXPLAINED'} ${f.check} (${f.level}) ${f.file}\n`);
  }
  const stale = baseline.explained.filter((e) => !findings.some((f) => e.check === f.check && e.file === f.file));
  for (const e of stale) process.stdout.write(`STALE       ${e.check} ${e.file} (explained, but no longer found: remove it from the baseline)\n`);
  if (unexplained.length > 0 || stale.length > 0) {
    process.stderr.write(`security scan: ${unexplained.length} finding(s) not explained, ${stale.length} stale explanation(s) in build/electronegativity-baseline.json\n`);
    process.exit(1);
  }
  process.stdout.write(`security scan: ${findings.length} finding(s), all explained\n`);
} finally {
  rmSync(scanDir, { recursive: true, force: true });
}

