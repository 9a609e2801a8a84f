// Grep guards that keep the house clean (run by `npm test`):
// - the plain-Node core (electron/etl, electron/db, electron/lake, electron/cli) never imports Electron;
// - no focused or skipped-without-reason tests (.only; .skip must say why on the same line);
// - no console.log in shipped code (electron/, renderer/, shared/).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = process.cwd();
const problems = [];

function walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const full = path.join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) return [];
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

const sources = (dirs) => dirs.flatMap((d) => walk(path.join(root, d))).filter((f) => /\.(ts|tsx|mjs|cjs|js)$/.test(f));

for (const file of sources(['electron/etl', 'electron/db', 'electron/lake', 'electron/cli', 'shared'])) {
  const text = readFileSync(file, 'utf8');
  if (/from\s+['"]electron['"]|require\(\s*['"]electron['"]\s*\)/.test(text)) problems.push(`${path.relative(root, file)}: imports electron in the plain-Node core`);
}
for (const file of sources(['electron', 'renderer', 'shared', 'test', 'e2e', 'scripts'])) {
  const text = readFileSync(file, 'utf8');
  text.split('\n').forEach((line, i) => {
    const where = `${path.relative(root, file)}:${i + 1}`;
    if (/\b(describe|it|test)\.only\s*\(/.test(line)) problems.push(`${where}: focused test (.only)`);
    if (/\b(describe|it|test)\.skip\s*\(/.test(line) && !/reason|because|skipped:/i.test(line)) problems.push(`${where}: skipped test without a printed reason`);
  });
}
for (const file of sources(['electron', 'renderer', 'shared']).filter((f) => !/\.test\.tsx?$/.test(f))) {
  const text = readFileSync(file, 'utf8');
  text.split('\n').forEach((line, i) => {
    if (/console\.log\(/.test(line)) problems.push(`${path.relative(root, file)}:${i + 1}: console.log in shipped code`);
  });
}

if (problems.length > 0) {
  process.stderr.write(`guards failed:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write('guards: ok\n');
