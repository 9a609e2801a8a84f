import { describe, expect, it } from 'vitest';
import { succeededStatement } from './runs';
import { ROLLUP_INDEXES, ROLLUP_TABLES } from './schema';
import { rollupStatements } from './rollups';
import { buildPlan } from './staging';
import { swapStatements } from './swap';

const live = (names: ('doctors' | 'appointments' | 'rejected_rows')[]) => names.map((name, i) => ({ name, oid: 1000 + i, owner: 'etl', owned: true }));

describe('swapStatements', () => {
  it('locks every live table and etl_runs in one statement before anything else, appointments first', () => {
    const statements = swapStatements('healthtech', 7, live(['doctors', 'appointments', 'rejected_rows']), ['-- run succeeded']);
    expect(statements[0]).toBe('LOCK TABLE "healthtech"."appointments", "healthtech"."doctors", "healthtech"."rejected_rows", "healthtech"."etl_runs" IN ACCESS EXCLUSIVE MODE');
    expect(statements.filter((s) => s.startsWith('LOCK'))).toHaveLength(1);
    expect(statements.at(-1)).toBe('-- run succeeded');
  });

  it('moves the live tables and their index names aside before the new tables take their names', () => {
    const statements = swapStatements('healthtech', 7, live(['doctors', 'appointments', 'rejected_rows']), []);
    const at = (text: string) => statements.findIndex((s) => s.includes(text));
    for (const table of ['doctors', 'appointments', 'rejected_rows']) {
      expect(at(`ALTER TABLE "healthtech"."${table}" RENAME TO "${table}__replaced"`)).toBeGreaterThan(0);
      expect(at(`ALTER TABLE "healthtech"."${table}" RENAME TO`)).toBeLessThan(at(`ALTER TABLE "healthtech"."${table}__next" RENAME TO "${table}"`));
    }
    expect(at('RENAME TO "appointments_pkey__replaced"')).toBeLessThan(at('ALTER INDEX "healthtech"."appointments_pkey__next" RENAME TO "appointments_pkey"'));
    // The replaced rejected rows stop referencing etl_runs inside the swap, so dropping them later locks nothing live.
    expect(at('rejected_rows__replaced"\'::regclass AND contype = \'f\'')).toBeGreaterThan(0);
  });

  it('on the first load there is nothing to lock but etl_runs and nothing to move aside', () => {
    const statements = swapStatements('healthtech', 1, [], []);
    expect(statements[0]).toBe('LOCK TABLE "healthtech"."etl_runs" IN ACCESS EXCLUSIVE MODE');
    expect(statements.some((s) => s.includes('__replaced'))).toBe(false);
    const rollupIndexes = Object.values(ROLLUP_INDEXES).reduce((n, indexes) => n + indexes.length, 0);
    expect(statements.filter((s) => s.includes('__next" RENAME TO'))).toHaveLength(3 + ROLLUP_TABLES.length + 7 + rollupIndexes); // three tables, the rollups, seven keys and indexes, the rollups' indexes
  });
});

describe('buildPlan', () => {
  const plan = buildPlan('healthtech');
  it('builds every key as a unique index and the indexes, largest table first, each independent of the others', () => {
    expect(plan.indexes.every((s) => /^CREATE (UNIQUE )?INDEX "[a-z_]+__next" ON "healthtech"\."[a-z_]+__next" /.test(s))).toBe(true);
    expect(plan.indexes[0]).toBe('CREATE UNIQUE INDEX "appointments_pkey__next" ON "healthtech"."appointments__next" (booking_id) WITH (fillfactor = 100)');
    expect(plan.indexes.every((s) => s.endsWith(' WITH (fillfactor = 100)'))).toBe(true);
    expect(plan.indexes.filter((s) => s.startsWith('CREATE UNIQUE INDEX'))).toHaveLength(3);
    expect(plan.indexes).toHaveLength(7);
    expect(plan.analyze).toMatch(/^SET LOCAL default_statistics_target = \d+; ANALYZE "healthtech"\."doctors__next", "healthtech"\."appointments__next".*"rejected_rows__next"$/);
  });
  it('adds the keys over those indexes, then the foreign key to the run log, in the transaction that swaps', () => {
    const firstForeignKey = plan.constraints.findIndex((s) => s.includes('FOREIGN KEY'));
    expect(firstForeignKey).toBe(3);
    expect(plan.constraints.slice(0, 3).every((s) => /ADD CONSTRAINT "([a-z_]+_pkey__next)" PRIMARY KEY USING INDEX "\1"$/.test(s))).toBe(true);
    expect(plan.constraints.slice(3)).toEqual(['ALTER TABLE "healthtech"."rejected_rows__next" ADD CONSTRAINT "rejected_rows_run_id_fkey" FOREIGN KEY (run_id) REFERENCES "healthtech"."etl_runs" (run_id)']);
  });
  it('checks the foreign key between two loaded tables in the index step, against the new doctors', () => {
    expect(plan.foreignKeys).toEqual(['ALTER TABLE "healthtech"."appointments__next" ADD CONSTRAINT "appointments_doctor_id_fkey" FOREIGN KEY (doctor_id) REFERENCES "healthtech"."doctors__next" (doctor_id)']);
  });
  it("completes the rollups with their indexes, then their statistics", () => {
    const statements = rollupStatements('healthtech');
    // B-trees packed full; block range indexes (no fill factor) over rollups written in day order.
    expect(statements.slice(0, -2).every((s) => /^CREATE INDEX "[a-z_]+__next" ON "healthtech"\."[a-z_]+__next" (.* WITH \(fillfactor = 100\)|USING brin \([a-z_]+\))$/.test(s))).toBe(true);
    const analyses = statements.slice(-2);
    expect(analyses[0]).toMatch(new RegExp(`^SET LOCAL default_statistics_target = \\d+; ANALYZE .*"${ROLLUP_TABLES.at(-1)}__next"$`));
    expect(analyses[1]).toMatch(/^ANALYZE /);
    // Every rollup analysed exactly once.
    for (const table of ROLLUP_TABLES) expect(analyses.join(' ').split(`"${table}__next"`)).toHaveLength(2);
  });
});

describe('succeededStatement', () => {
  it('interpolates integers only', () => {
    expect(succeededStatement('healthtech', 3, { doctors: 18, appointments: 219 })).toContain('doctors_loaded = 18, appointments_loaded = 219 WHERE run_id = 3');
    expect(() => succeededStatement('healthtech', 3, { doctors: 1.5, appointments: 2 })).toThrow(TypeError);
  });
});
