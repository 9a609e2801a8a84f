// `npm start`: build the app and launch it in Electron. Electron's binary is not downloaded at
// `npm install` (the install script is disabled so installs work offline and in CI); it is
// fetched here, on first start, from Electron's usual download location.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const electronDir = path.dirname(require.resolve('electron/package.json'));

function electronBinary() {
  try {
    const binary = require('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

let binary = electronBinary();
if (!binary) {
  process.stdout.write('Electron is not downloaded yet; fetching it once (about 100 MB)...\n');
  try {
    execFileSync(process.execPath, [path.join(electronDir, 'install.js')], { stdio: 'inherit', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' } });
  } catch {
    process.stderr.write('Could not download Electron (no internet connection?). The CLI works without it: npm run etl\n');
    process.exit(1);
  }
  binary = electronBinary();
}
if (!binary) {
  process.stderr.write('Electron is still missing after the download; delete node_modules/electron and run npm ci again.\n');
  process.exit(1);
}

execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
