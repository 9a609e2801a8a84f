/**
 * The Import screen: drop workbooks on the window, choose them with the dialog, or try the
 * samples; each file lands in its slot, or is named in a message saying why it cannot be used.
 *
 * Nothing here waits for the files to be identified: specs state what they expect next (a slot
 * filled, a message, or the preview, which starts by itself once both slots are filled).
 *
 * Dropping: in the bridge shell, real files are dropped through a DataTransfer built in the page
 * from the files' bytes (dragenter → dragover → drop on the drop zone), as a person's drag would.
 * In Electron, a File made in the page has no path on disk (webUtils.getPathForFile returns ""),
 * and Playwright cannot start an OS-level drag, so there `dropFiles` falls back to the native
 * dialog path with the same files: same slots, same preview, only the way in differs.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, type Locator } from '@playwright/test';
import { AppShell } from './appShell';
import type { BrowserGlobals } from './dom';

export type FileKind = 'doctors' | 'appointments';

export class ImportPage extends AppShell {
  async open(): Promise<void> {
    await this.goTo('Import');
    await expect(this.page.getByRole('heading', { level: 1, name: 'Import workbooks' })).toBeVisible();
  }

  get dropZone(): Locator {
    return this.page.getByTestId('dropzone');
  }

  /** Drops these files together on the window, in this order. */
  async dropFiles(files: string[]): Promise<void> {
    if (this.app.shell === 'electron') {
      await this.chooseWithDialog(files);
      return;
    }
    const drag = await this.dragOver(files);
    await drag.drop();
  }

  /**
   * Drags these files over the window (dragenter, dragover) and holds them there: the drop overlay
   * shows. Then `drop()` or `leave()`. Bridge shell only (see the top of this file).
   */
  async dragOver(files: string[]): Promise<{ drop(): Promise<void>; leave(): Promise<void> }> {
    const payload = await Promise.all(files.map(async (file) => ({ name: path.basename(file), base64: (await readFile(file)).toString('base64') })));
    const dataTransfer = await this.page.evaluateHandle((items) => {
      const { DataTransfer, File, atob } = globalThis as unknown as BrowserGlobals;
      const transfer = new DataTransfer();
      for (const item of items) {
        const binary = atob(item.base64);
        const bytes = new Uint8Array(binary.length);
        for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
        transfer.items.add(new File([bytes], item.name, { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
      }
      return transfer;
    }, payload);
    const overlay = this.page.locator('.drop-overlay');
    await this.dropZone.dispatchEvent('dragenter', { dataTransfer });
    await expect(overlay).toBeVisible();
    await this.dropZone.dispatchEvent('dragover', { dataTransfer });
    const finish = async (event: 'drop' | 'dragleave') => {
      try {
        await this.dropZone.dispatchEvent(event, { dataTransfer });
        await expect(overlay).toBeHidden();
      } finally {
        await dataTransfer.dispose();
      }
    };
    return { drop: () => finish('drop'), leave: () => finish('dragleave') };
  }

  /** "Choose files…" with the native dialog answering these paths. */
  async chooseWithDialog(files: string[]): Promise<void> {
    await this.app.queueOpenDialog(files);
    await this.page.getByRole('button', { name: 'Choose files…' }).click();
  }

  async trySampleData(): Promise<void> {
    await this.page.getByRole('button', { name: 'Try the sample data' }).click();
  }

  slot(kind: FileKind): Locator {
    return this.page.getByTestId(`slot-${kind}`);
  }

  /** The file name shown in a slot, or null when the slot is empty. */
  async fileIn(kind: FileKind): Promise<string | null> {
    const name = this.page.getByTestId(`slot-${kind}-name`);
    return (await name.count()) === 0 ? null : ((await name.textContent()) ?? '').trim();
  }

  /** The slot's "Remove … file" button. */
  async removeFile(kind: FileKind): Promise<void> {
    await this.slot(kind).getByRole('button', { name: `Remove ${kind} file` }).click();
    await expect(this.slot(kind)).toContainText('Not chosen yet');
  }

  /** What became of each file of the last drop or pick, as listed. */
  async fileNotes(): Promise<string[]> {
    return (await this.page.getByTestId('file-notes').getByRole('listitem').allInnerTexts()).map((text) => text.trim());
  }

  /** The message listing files that cannot be used. */
  get fileProblems(): Locator {
    return this.page.getByTestId('file-problems');
  }
}
