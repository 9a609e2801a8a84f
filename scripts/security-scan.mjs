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
const report = path.join(scanDir, 'findings.csv');
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
  const rows = readFileSync(report, 'utf8').trim().split('\n').slice(1).filter(Boolean);
  const findings = rows.map((line) => {
    const [check, severity, confidence, file] = line.split(',').map((v) => v.replace(/^"|"$/g, ''));
    return { check, severity, confidence, file };
  });
  const unexplained = findings.filter((f) => !baseline.explained.some((e) => e.check === f.check && e.file === f.file));
  for (const f of findings) {
    const explained = !unexplained.includes(f);
    process.stdout.write(`${explained ? 'explained ' : 'UNEXPLAINED'} ${f.check} ${f.severity}/${f.confidence} ${f.file}\n`);
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
