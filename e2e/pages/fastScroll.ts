/**
 * A fast wheel over a virtualised table: one scroll step per frame (300 px a frame is ~18,000 px a
 * second, as a fast wheel does), from the top, until the end of the list or `maxFrames`, while the
 * page counts the frames in which every row on screen is still a placeholder ("Loading…"). The
 * share and the longest run of such frames are for the specs to report, not to assert on.
 */
import { expect, type Page } from '@playwright/test';

export interface ScrollSample {
  frames: number;
  onlyLoading: number;
  longestRun: number;
  done: boolean;
}

type Row = { className: string; getBoundingClientRect(): { top: number; bottom: number } };
type Table = Row & { scrollTop: number; scrollHeight: number; clientHeight: number; querySelectorAll(selector: string): ArrayLike<Row> };
type ScrollWindow = {
  document: { querySelector(selector: string): Table | null };
  requestAnimationFrame(callback: () => void): void;
  __scroll?: ScrollSample;
};

export async function scrollFast(page: Page, testId: string, options: { stepPx: number; maxFrames?: number; timeoutMs?: number }): Promise<ScrollSample> {
  await page.evaluate(
    ({ testId, step, frames }) => {
      const w = globalThis as unknown as ScrollWindow;
      const element = w.document.querySelector(`[data-testid="${testId}"]`) as Table;
      const sample: ScrollSample = { frames: 0, onlyLoading: 0, longestRun: 0, done: false };
      w.__scroll = sample;
      let run = 0;
      const frame = () => {
        const view = element.getBoundingClientRect();
        const rows = Array.from(element.querySelectorAll('.vt-body [role="row"]')).filter((row) => {
          const box = row.getBoundingClientRect();
          return box.bottom > view.top && box.top < view.bottom;
        });
        sample.frames += 1;
        if (rows.length > 0 && rows.every((row) => row.className.includes('pending'))) {
          sample.onlyLoading += 1;
          run += 1;
          sample.longestRun = Math.max(sample.longestRun, run);
        } else run = 0;
        if ((frames !== null && sample.frames >= frames) || element.scrollTop + element.clientHeight >= element.scrollHeight - 1) {
          sample.done = true;
          return;
        }
        element.scrollTop += step;
        w.requestAnimationFrame(frame);
      };
      w.requestAnimationFrame(frame);
    },
    { testId, step: options.stepPx, frames: options.maxFrames ?? null },
  );
  // Frames come as fast as the machine draws them: ~330 frames take ~6 s alone, and took over 60 s
  // in a full run beside other heavy jobs (load average ~11 on two cores). The wait only bounds a hang,
  // inside the test's own 180 s.
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as ScrollWindow).__scroll?.done), { timeout: options.timeoutMs ?? 120_000 }).toBe(true);
  return (await page.evaluate(() => (globalThis as unknown as ScrollWindow).__scroll)) as ScrollSample;
}
