/**
 * The names of the IPC channels and events, without their schemas, so the sandboxed preload can
 * list exactly what it allows without bundling the validation library. contract.ts checks that
 * its table has exactly these channels.
 */
export const CHANNEL_NAMES = [
  'app/info',
  'db/status',
  'db/provide-password',
  'db/reconnect',
  'files/pick',
  'files/identify',
  'files/samples',
  'preview/run',
  'preview/cancel',
  'preview/rows',
  'load/plan',
  'load/run',
  'load/cancel',
  'load/activity',
  'runs/list',
  'rejected/export',
  'lake/export',
  'lake/cancel',
  'settings/get',
  'settings/save',
  'settings/test-connection',
  'settings/pick-certificate',
  'dashboard/context',
  'dashboard/kpis',
  'dashboard/leaderboard',
  'dashboard/trend',
  'dashboard/specialties',
  'dashboard/segments',
  'dashboard/drill',
  'dashboard/export-drill',
  'dashboard/answers',
] as const;

export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** Reached only through the bridge's identifyDropped(File[]): paths never come from the renderer. */
export const PRELOAD_ONLY_CHANNELS = ['files/identify'] as const satisfies readonly ChannelName[];

export type BridgeChannel = Exclude<ChannelName, (typeof PRELOAD_ONLY_CHANNELS)[number]>;

export const BRIDGE_CHANNELS: readonly BridgeChannel[] = CHANNEL_NAMES.filter(
  (name): name is BridgeChannel => !(PRELOAD_ONLY_CHANNELS as readonly string[]).includes(name),
);

export const EVENT_NAMES = ['preview/progress', 'load/progress', 'load/activity', 'lake/progress', 'db/status'] as const;
export type EventName = (typeof EVENT_NAMES)[number];
