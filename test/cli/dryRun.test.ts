/**
 * `--dry-run`: clean and report, write the cleaned CSVs, touch no database. The URL given points
 * at a listener of ours that counts connections (a closed port would only prove it through the
 * exit code; this proves not even a TCP connection was tried), and with no URL no embedded
 * server is created either.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, killRunningClis, parseSingleJson, readCsv, removeTempDirs, runCli, RUN_DATE, tempDir } from './cliHarness';

let trap: net.Server;
let trapPort: number;
let connections = 0;

beforeAll(async () => {
  await ensureCliBuilt();
  trap = net.createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
  trapPort = (trap.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await killRunningClis();
  await new Promise<void>((resolve) => trap.close(() => resolve()));
  await removeTempDirs();
});

describe('healthtech-etl --dry-run --json', () => {
  it('reports without contacting the database: run_id and answers null, the three cleaned CSVs written', async () => {
    const cwd = await tempDir('dry-run');
    const result = await runCli(['--dry-run', '--json', '--run-date', RUN_DATE, '--db_url', `postgresql://etl:pw@127.0.0.1:${trapPort}/x`], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(connections).toBe(0);

    const report = parseSingleJson(result.stdout) as { ok: boolean; dry_run: boolean; run_id: unknown; answers: unknown; database: unknown; counts: Record<string, number> };
    expect(report).toMatchObject({ ok: true, dry_run: true, run_id: null, answers: null, database: null });
    const output = path.join(cwd, 'output');
    expect((await readCsv(path.join(output, 'final_doctors.csv'))).rows).toHaveLength(report.counts.doctors as number);
    expect((await readCsv(path.join(output, 'final_appointments.csv'))).rows).toHaveLength(report.counts.appointments as number);
    expect((await readCsv(path.join(output, 'rejected_rows.csv'))).rows).toHaveLength(report.counts.rejected as number);
    // The load's answer file comes only from a database.
    expect(existsSync(path.join(output, 'confirmed_by_doctor.csv'))).toBe(false);
    expect(result.stderr).toMatch(/INFO {2}run finished run_id=null/);
    // Nothing will load the dashboard's rollups, so the reading worker does not compute them.
    const log = await readFile(path.join(cwd, 'logs', 'pipeline.log'), 'utf8');
    expect(log).toMatch(/outputs written/);
    expect(log).not.toMatch(/rollups computed/);
  });

  it('with no database configured, starts no embedded server (no .healthtech folder appears)', async () => {
    const cwd = await tempDir('dry-run-default');
    const result = await runCli(['--dry-run', '--run-date', RUN_DATE], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/loaded\s+nothing \(dry run\)/);
    expect(existsSync(path.join(cwd, '.healthtech'))).toBe(false);
    expect(existsSync(path.join(cwd, 'output', 'final_appointments.csv'))).toBe(true);
  });
});
