/**
 * A one-line progress bar on a terminal (stderr), redrawn at most ten times a second. Off when
 * stderr is not a TTY, with --json, or with --no-progress, so logs and pipes stay clean.
 */
export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream | undefined) {}

  update(label: string, done: number, total: number, unit = ''): void {
    if (!this.stream) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && done < total) return;
    this.lastDraw = now;
    const width = 28;
    const ratio = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(ratio * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    const amount = unit ? ` ${done.toLocaleString('en-US')}${total ? `/${total.toLocaleString('en-US')}` : ''} ${unit}` : '';
    this.stream.write(`\r${label.padEnd(22)} [${bar}] ${String(Math.round(ratio * 100)).padStart(3)}%${amount}   `);
    this.drawn = true;
  }

  clear(): void {
    if (!this.stream || !this.drawn) return;
    this.stream.write(`\r${' '.repeat(100)}\r`);
    this.drawn = false;
  }
}
