/**
 * Exports built in the renderer from data already on screen: a chart's figures as CSV and the
 * chart itself as PNG, handed to the browser's download through a Blob URL (no file paths, no
 * main-process call). The drill-through list is different: it can be a million rows, so main
 * writes it (`dashboard/export-drill`).
 */
import { CSV_BOM, csvLine, type SpreadsheetValue } from '../../../shared/spreadsheetText';

export type CsvCell = SpreadsheetValue;

/** Chart figures as CSV text, by the same rule as every other export (shared/spreadsheetText.ts). */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return `${CSV_BOM}${[header, ...rows].map((row) => csvLine(row)).join('')}`;
}

/** Hands a blob to the browser's download (an <a download> on a Blob URL). */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadCsv(fileName: string, header: readonly string[], rows: readonly (readonly CsvCell[])[]): void {
  downloadBlob(new Blob([toCsv(header, rows)], { type: 'text/csv;charset=utf-8' }), fileName);
}

/** A file name part from a filter's range: "2025-10-01_2025-10-31", or "all-dates". */
export function rangeSlug(from: string | undefined, to: string | undefined): string {
  if (!from && !to) return 'all-dates';
  return `${from ?? 'start'}_${to ?? 'end'}`;
}

// ---------------------------------------------------------------------------------------------
// Chart → PNG
// ---------------------------------------------------------------------------------------------

export interface LegendEntry {
  label: string;
  color: string;
}

/**
 * Styles that come from the stylesheet (classes) rather than attributes: copied onto the clone as
 * presentation attributes, because the SVG drawn as an image sees no stylesheet of the page.
 */
const STYLE_PROPS = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'opacity', 'font-family', 'font-size', 'font-weight', 'text-anchor', 'dominant-baseline'] as const;

function inlineStyles(source: Element, target: Element): void {
  const computed = getComputedStyle(source);
  for (const prop of STYLE_PROPS) {
    const value = computed.getPropertyValue(prop);
    if (value && value !== 'auto' && value !== 'normal') target.setAttribute(prop, value);
  }
  // Inline style declarations (set by React through the CSSOM) become attributes too.
  target.removeAttribute('style');
  const sourceChildren = Array.from(source.children);
  const targetChildren = Array.from(target.children);
  sourceChildren.forEach((child, i) => {
    const twin = targetChildren[i];
    if (twin) inlineStyles(child, twin);
  });
}

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('The chart could not be drawn as an image.'));
    image.src = url;
  });
}

function canvasBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The picture could not be made.'))), 'image/png'));
}

/** Splits text into lines that fit `width` at the context's current font. */
function wrapLines(context: CanvasRenderingContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && context.measureText(next).width > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** Lays legend entries out in rows that fit `width`: each entry's x and row. */
function legendLayout(context: CanvasRenderingContext2D, legend: readonly LegendEntry[], width: number): { entry: LegendEntry; x: number; row: number }[] {
  const placed: { entry: LegendEntry; x: number; row: number }[] = [];
  let x = 0;
  let row = 0;
  for (const entry of legend) {
    const size = 18 + context.measureText(entry.label).width;
    if (x > 0 && x + size > width) {
      x = 0;
      row += 1;
    }
    placed.push({ entry, x, row });
    x += size + 20;
  }
  return placed;
}

/**
 * Draws the chart's SVG (serialised with its styles) on a canvas at twice the size, with the
 * chart's title, legend and a footnote (caveats) as text, and downloads it as PNG.
 */
export async function downloadChartPng(container: HTMLElement, fileName: string, title: string, legend: readonly LegendEntry[], footnote: string): Promise<void> {
  const svg = container.querySelector<SVGSVGElement>('svg');
  if (!svg) throw new Error('There is no chart to export yet.');
  const box = svg.getBoundingClientRect();
  const width = Math.ceil(box.width);
  const height = Math.ceil(box.height);
  const clone = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, clone);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  const xml = new XMLSerializer().serializeToString(clone);
  const url = URL.createObjectURL(new Blob([xml], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const image = await loadImage(url);
    const scale = 2;
    const pad = 20;
    const titleHeight = 30;
    const font = getComputedStyle(document.documentElement).fontFamily || 'sans-serif';
    // Measure first (legend rows, footnote lines), then size the canvas and draw.
    const measure = document.createElement('canvas').getContext('2d');
    if (!measure) throw new Error('The picture could not be made.');
    measure.font = `13px ${font}`;
    const placed = legendLayout(measure, legend, width);
    const legendHeight = placed.length > 0 ? ((placed[placed.length - 1]?.row ?? 0) + 1) * 20 + 6 : 0;
    measure.font = `12px ${font}`;
    const footLines = footnote ? wrapLines(measure, footnote, width) : [];
    const footHeight = footLines.length > 0 ? footLines.length * 17 + 12 : 0;
    const totalWidth = width + pad * 2;
    const totalHeight = height + pad * 2 + titleHeight + legendHeight + footHeight;
    const canvas = document.createElement('canvas');
    canvas.width = totalWidth * scale;
    canvas.height = totalHeight * scale;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('The picture could not be made.');
    context.scale(scale, scale);
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, totalWidth, totalHeight);
    context.textBaseline = 'top';
    context.fillStyle = '#18212c';
    context.font = `600 16px ${font}`;
    context.fillText(title, pad, pad);
    context.font = `13px ${font}`;
    for (const { entry, x, row } of placed) {
      const y = pad + titleHeight + row * 20;
      context.fillStyle = entry.color;
      context.fillRect(pad + x, y + 2, 12, 12);
      context.fillStyle = '#56616e';
      context.fillText(entry.label, pad + x + 18, y);
    }
    context.drawImage(image, pad, pad + titleHeight + legendHeight, width, height);
    context.fillStyle = '#56616e';
    context.font = `12px ${font}`;
    footLines.forEach((line, i) => context.fillText(line, pad, pad + titleHeight + legendHeight + height + 12 + i * 17));
    downloadBlob(await canvasBlob(canvas), fileName);
  } finally {
    URL.revokeObjectURL(url);
  }
}
