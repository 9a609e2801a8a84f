/**
 * Registers exactly the contract's channels with ipcMain. Every request is checked to come from
 * our own top-level page, then validated and handled by dispatch(); answers are always Results.
 */
import { ipcMain, type WebContents } from 'electron';
import { CHANNEL_NAMES, type EventName } from '../../shared/channelNames';
import type { Events } from '../../shared/contract';
import { dispatch, type Handlers } from '../app/dispatch';
import type { Logger } from '../etl/logger';
import { isTrustedSender } from './securityPolicy';

export function registerIpc(handlers: Handlers, logger: Logger): void {
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(channel, async (event, request: unknown) => {
      if (!isTrustedSender(event.senderFrame)) {
        logger.log('warn', 'IPC from an untrusted frame refused', { channel });
        return { ok: false, error: { kind: 'usage', code: 'untrusted_sender', message: 'Request refused.', detail: {} } };
      }
      return dispatch(handlers, channel, request, logger);
    });
  }
}

/** Sends an event to our windows only. */
export function sendEvent<E extends EventName>(targets: readonly WebContents[], event: E, payload: Events[E]): void {
  for (const contents of targets) if (!contents.isDestroyed()) contents.send(event, payload);
}
