/**
 * The one way a request reaches a handler, for Electron's ipcMain and the test bridge alike:
 * the channel must be in the contract, the request must pass its schema, and whatever happens
 * the caller gets a Result, never a thrown error.
 */
import { channels, type ChannelName, type ParsedRequestOf, type ResponseOf, type Result } from '../../shared/contract';
import { UsageError } from '../etl/errors';
import { toErrorData } from '../etl/errorData';
import { silentLogger, type Logger } from '../etl/logger';

export type Handlers = { [C in ChannelName]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

export function isChannel(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}

export async function dispatch(handlers: Handlers, channel: unknown, request: unknown, logger: Logger = silentLogger): Promise<Result<unknown>> {
  if (!isChannel(channel)) {
    return { ok: false, error: toErrorData(new UsageError('unknown_channel', 'The app asked for something it does not offer.')) };
  }
  const parsed = channels[channel].request.safeParse(request ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'request';
    logger.log('warn', 'request rejected', { channel, field: where });
    return { ok: false, error: toErrorData(new UsageError('invalid_request', `Invalid ${channel} request: ${where} ${issue?.message ?? 'is invalid'}.`, { setting: where })) };
  }
  const started = Date.now();
  try {
    const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
    const value = await handler(parsed.data);
    logger.log('debug', 'handled', { channel, ms: Date.now() - started });
    return { ok: true, value };
  } catch (error) {
    const data = toErrorData(error);
    logger.log(data.kind === 'internal' ? 'error' : 'info', 'request failed', { channel, code: data.code, ms: Date.now() - started });
    if (data.kind === 'internal') logger.log('error', (error as Error)?.stack ?? String(error));
    return { ok: false, error: data };
  }
}
