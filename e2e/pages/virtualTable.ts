/**
 * Reads a virtualised table (role="table", rows with aria-rowindex, only the rows on screen in
 * the DOM) completely: scrolls it row block by row block, waits until the rows at the new position
 * are fetched (not "pending"), and collects every row's cell texts by its index.
 */
import { expect, type Locator } from '@playwright/test';
import type { BrowserGlobals, DomElement } from './dom';

export async function tableTotal(table: Locator): Promise<number> {
  await expect(table).toHaveAttribute('data-total', /^\d+$/);
  return Number(await table.getAttribute('data-total'));
}

export async function readVirtualTable(table: Locator): Promise<string[][]> {
  const total = await tableTotal(table);
  const rows = new Map<number, string[]>();
  let next = 0;
  while (rows.size < total) {
    // Put row `next` at the top of the viewport, then wait until it is drawn with its data.
    const rendered = await table.evaluate(async (element: DomElement, wanted: number) => {
      const { Event, performance, requestAnimationFrame } = globalThis as unknown as BrowserGlobals;
      const first = element.querySelector('.vt-body [role="row"]');
      const rowHeight = first?.offsetHeight || 40;
      element.scrollTop = wanted * rowHeight;
      element.dispatchEvent(new Event('scroll'));
      const deadline = performance.now() + 15_000;
      for (;;) {
        const drawn = Array.from(element.querySelectorAll('.vt-body [role="row"]'));
        const target = drawn.find((row) => Number(row.getAttribute('aria-rowindex')) === wanted + 2);
        if (target && !target.classList.contains('pending')) {
          return drawn
            .filter((row) => !row.classList.contains('pending'))
            .map((row) => ({
              index: Number(row.getAttribute('aria-rowindex')) - 2,
              // A cell of several lines (data-lines) reads as its lines joined by newlines.
              cells: Array.from(row.querySelectorAll('[role="cell"]'), (cell) => {
                const lines = cell.querySelector('[data-lines]');
                return lines ? Array.from(lines.querySelectorAll(':scope > *'), (line) => (line.textContent ?? '').trim()).join('\n') : (cell.textContent ?? '').trim();
              }),
            }));
        }
        if (performance.now() > deadline) throw new Error(`row ${wanted} of the table was not drawn`);
        await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
      }
    }, next);
    for (const row of rendered) rows.set(row.index, row.cells);
    while (rows.has(next)) next++;
    if (next >= total) break;
  }
  return Array.from({ length: total }, (_, i) => rows.get(i) ?? []);
}

/** "1,234" → 1234. */
export function parseCount(text: string): number {
  return Number(text.replace(/[^\d-]/g, ''));
}
