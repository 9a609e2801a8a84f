/**
 * Runs the bridge by hand, to look at the app in a browser with real data:
 *   npx tsx-free: node dist/node/serve-bridge.cjs [--port 5199] [--data DIR]
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startBridge } from './server';

const { values } = parseArgs({ options: { port: { type: 'string' }, data: { type: 'string' } } });
const userDataDir = values.data ?? mkdtempSync(path.join(os.tmpdir(), 'healthtech-bridge-'));
void startBridge({ userDataDir, port: Number(values.port ?? 5199) }).then((bridge) => {
  process.stdout.write(`bridge: ${bridge.url}  (user data ${userDataDir})\n`);
  const stop = () => void bridge.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
});
