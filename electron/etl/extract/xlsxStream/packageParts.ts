/**
 * Finds a workbook's parts the way OPC and SpreadsheetML define it (ECMA-376 Part 2 §9.3, Part 1
 * §12.3), not by the names Excel happens to use: the package relationships (`_rels/.rels`) name
 * the workbook part (officeDocument); the workbook's relationships name its worksheets, shared
 * strings and styles; the workbook lists the sheets in tab order with their visibility, the date
 * system (`date1904`) and whether it must be recalculated when opened (`fullCalcOnLoad`).
 * Relationship types are matched for Transitional and Strict alike; targets are resolved against
 * the part that holds the relationship; part names are matched as OPC says (case-insensitively,
 * percent-encoding decoded).
 */
import path from 'node:path';
import type yauzl from 'yauzl';
import { InputFileError } from '../../errors';
import type { SheetEntry } from '../inspectWorkbook';
import { parsePart, type PartSource } from './partParser';
import { NS_NONE, NS_PKG_REL, NS_REL, NS_SML, type XmlHandler, type XmlScanner } from './xmlScanner';
import { XmlError, decodeAttribute } from './xmlText';

const RELATIONSHIP_BASES = ['http://schemas.openxmlformats.org/officeDocument/2006/relationships/', 'http://purl.oclc.org/ooxml/officeDocument/relationships/'];

export interface Relationship {
  id: string;
  /** The type's last segment (`worksheet`, `sharedStrings`, `officeDocument`, …), '' if not an OOXML type. */
  kind: string;
  /** Part name the target resolves to (no leading slash), or '' for an external target. */
  part: string;
}

export interface WorkbookPackage {
  workbookPart: string;
  sheets: SheetEntry[];
  sharedStrings: yauzl.Entry | null;
  styles: yauzl.Entry | null;
  date1904: boolean;
  recalculateOnLoad: boolean;
}

/** Zip entries by name, with OPC's case-insensitive, percent-decoded matching as the fallback. */
export class PartIndex {
  private readonly folded = new Map<string, yauzl.Entry>();

  constructor(readonly entries: Map<string, yauzl.Entry>) {
    for (const [name, entry] of entries) {
      const key = fold(name);
      if (!this.folded.has(key)) this.folded.set(key, entry);
    }
  }

  get(part: string): yauzl.Entry | undefined {
    return this.entries.get(part) ?? this.folded.get(fold(part)) ?? this.folded.get(fold(decodePercent(part)));
  }
}

function fold(name: string): string {
  return name.toLowerCase();
}

function decodePercent(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** `_rels/.rels` for a part name ('' is the package itself). */
function relsPartOf(part: string): string {
  const dir = path.posix.dirname(part);
  return `${dir === '.' ? '' : `${dir}/`}_rels/${path.posix.basename(part)}.rels`;
}

export function resolveTarget(sourcePart: string, target: string): string {
  if (target.startsWith('/')) return path.posix.normalize(target).slice(1);
  const dir = path.posix.dirname(sourcePart);
  const joined = path.posix.normalize(dir === '.' || sourcePart === '' ? target : `${dir}/${target}`);
  return joined.replace(/^(\.\.\/)+/, '').replace(/^\.\//, '');
}

export async function readPackage(source: PartSource, index: PartIndex): Promise<WorkbookPackage> {
  const label = path.basename(source.file);
  const rootRels = index.get('_rels/.rels');
  let workbookPart = 'xl/workbook.xml';
  if (rootRels) {
    const office = (await readRelationships(source, rootRels, '')).find((r) => r.kind === 'officeDocument' && r.part !== '');
    if (!office) {
      throw new InputFileError('not_xlsx', `${label} is a zip file but not an Excel workbook (its package names no workbook part). Save the data from Excel as .xlsx.`, { file: source.file });
    }
    workbookPart = office.part;
  }
  const workbookEntry = index.get(workbookPart);
  if (!workbookEntry) {
    throw new InputFileError(
      'not_xlsx',
      `${label} is a zip file but not an Excel workbook (no ${workbookPart}). Save the data from Excel as .xlsx.`,
      { file: source.file },
    );
  }
  workbookPart = workbookEntry.fileName;
  const relsEntry = index.get(relsPartOf(workbookPart));
  const relationships = relsEntry ? await readRelationships(source, relsEntry, workbookPart) : [];
  const byId = new Map(relationships.map((r) => [r.id, r]));
  const workbook = new WorkbookHandler();
  await parsePart(source, { entry: workbookEntry, handler: workbook, namespace: NS_SML, root: 'workbook' });
  const sheets: SheetEntry[] = workbook.sheets.map((sheet) => {
    const relationship = byId.get(sheet.relationshipId);
    const entry = relationship && relationship.part !== '' ? index.get(relationship.part) : undefined;
    return {
      name: sheet.name,
      part: entry?.fileName ?? relationship?.part ?? '',
      hidden: sheet.state === 'hidden' || sheet.state === 'veryHidden',
      kind: relationship?.kind === 'worksheet' ? 'worksheet' : relationship?.kind === 'chartsheet' ? 'chartsheet' : 'other',
    };
  });
  const find = (kind: string) => {
    const relationship = relationships.find((r) => r.kind === kind && r.part !== '');
    return (relationship && index.get(relationship.part)) ?? null;
  };
  return { workbookPart, sheets, sharedStrings: find('sharedStrings'), styles: find('styles'), date1904: workbook.date1904, recalculateOnLoad: workbook.fullCalcOnLoad };
}

async function readRelationships(source: PartSource, entry: yauzl.Entry, sourcePart: string): Promise<Relationship[]> {
  const handler = new RelationshipsHandler(sourcePart);
  await parsePart(source, { entry, handler, namespace: NS_PKG_REL, root: 'Relationships' });
  return handler.relationships;
}

const RELATIONSHIP = Buffer.from('Relationship');
const ID = Buffer.from('Id');
const TYPE = Buffer.from('Type');
const TARGET = Buffer.from('Target');
const TARGET_MODE = Buffer.from('TargetMode');

class RelationshipsHandler implements XmlHandler {
  readonly relationships: Relationship[] = [];

  constructor(private readonly sourcePart: string) {}

  openTag(s: XmlScanner): void {
    if (!s.localNameIs(RELATIONSHIP)) return;
    const id = attr(s, ID);
    const type = attr(s, TYPE) ?? '';
    const target = attr(s, TARGET);
    if (id === undefined || target === undefined) return;
    const base = RELATIONSHIP_BASES.find((prefix) => type.startsWith(prefix));
    const external = attr(s, TARGET_MODE) === 'External';
    this.relationships.push({ id, kind: base ? type.slice(base.length) : '', part: external ? '' : resolveTarget(this.sourcePart, target.trim()) });
  }

  closeTag(): void {}
  text(): void {}
  cdata(): void {}
}

const SHEETS = Buffer.from('sheets');
const SHEET = Buffer.from('sheet');
const NAME = Buffer.from('name');
const STATE = Buffer.from('state');
const WORKBOOK_PR = Buffer.from('workbookPr');
const DATE_1904 = Buffer.from('date1904');
const CALC_PR = Buffer.from('calcPr');
const FULL_CALC_ON_LOAD = Buffer.from('fullCalcOnLoad');
const WORKBOOK = Buffer.from('workbook');

class WorkbookHandler implements XmlHandler {
  readonly sheets: { name: string; relationshipId: string; state: string }[] = [];
  date1904 = false;
  fullCalcOnLoad = false;
  private level = 0;
  private inSheets = false;

  openTag(s: XmlScanner): void {
    const level = ++this.level;
    if (level === 1) {
      if (!s.localNameIs(WORKBOOK)) throw new XmlError(`the workbook part's root is <${s.qualifiedName()}>, not <workbook>`);
    } else if (level === 2) {
      this.inSheets = s.localNameIs(SHEETS);
      if (s.localNameIs(WORKBOOK_PR)) this.date1904 = isTrue(attr(s, DATE_1904));
      else if (s.localNameIs(CALC_PR)) this.fullCalcOnLoad = isTrue(attr(s, FULL_CALC_ON_LOAD));
    } else if (level === 3 && this.inSheets && s.localNameIs(SHEET)) {
      const name = attr(s, NAME);
      const relationshipIndex = s.findAttrNs(NS_REL, ID_LOWER);
      if (name === undefined) return;
      const relationshipId = relationshipIndex === -1 ? '' : decodeAttribute(s.buf, s.attrs[relationshipIndex * 4 + 2]!, s.attrs[relationshipIndex * 4 + 3]!);
      this.sheets.push({ name, relationshipId, state: attr(s, STATE) ?? 'visible' });
    }
  }

  closeTag(): void {
    if (this.level === 2) this.inSheets = false;
    this.level--;
  }

  text(): void {}
  cdata(): void {}
}

const ID_LOWER = Buffer.from('id');

/** An unprefixed attribute's decoded value. */
function attr(s: XmlScanner, name: Buffer): string | undefined {
  const index = s.findAttrNs(NS_NONE, name);
  return index === -1 ? undefined : decodeAttribute(s.buf, s.attrs[index * 4 + 2]!, s.attrs[index * 4 + 3]!);
}

/** xsd:boolean. */
function isTrue(value: string | undefined): boolean {
  const text = value?.trim();
  return text === '1' || text === 'true';
}
