/**
 * `--profile`: a V8 CPU profile of the runs, recorded in-process through the inspector (the same
 * data `node --cpu-prof` writes, loadable in Chrome DevTools), then summarised per phase: the
 * functions with the most self time and the same grouped by where the code lives (a project file,
 * an npm package, Node's internals, GC, idle). Bundle locations are mapped back to the TypeScript
 * sources through the bundle's source map.
 *
 * Sample timestamps are V8 TimeTicks in microseconds: the monotonic clock process.hrtime reads,
 * so the phase windows recorded in milliseconds line up with them.
 */
import { Session } from 'node:inspector';
import { SourceMap } from 'node:module';
import path from 'node:path';

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export class Profiler {
  private readonly session = new Session();

  private post<T>(method: string, params: object = {}): Promise<T> {
    return new Promise((resolve, reject) => {
      this.session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T)));
    });
  }

  async start(intervalMicros = 1000): Promise<void> {
    this.session.connect();
    await this.post('Profiler.enable');
    await this.post('Profiler.setSamplingInterval', { interval: intervalMicros });
    await this.post('Profiler.start');
  }

  async stop(): Promise<CpuProfile> {
    const { profile } = await this.post<{ profile: CpuProfile }>('Profiler.stop');
    await this.post('Profiler.disable');
    this.session.disconnect();
    return profile;
  }
}

export interface Location {
  /** Project-relative source file, `node:…`, a package path, or '' for V8 itself. */
  file: string;
  /** 1-based, 0 when unknown. */
  line: number;
}

export type Locate = (frame: CallFrame) => Location;

/**
 * Maps frames of the bench bundle back to the TypeScript sources; other frames keep their URL.
 * Without a readable source map every frame keeps its URL.
 */
export function bundleLocator(bundleFile: string, mapText: string | undefined, projectRoot: string): Locate {
  let map: SourceMap | undefined;
  try {
    if (mapText) map = new SourceMap(JSON.parse(mapText) as ConstructorParameters<typeof SourceMap>[0]);
  } catch {
    map = undefined;
  }
  const mapDir = path.dirname(bundleFile);
  const bundleUrl = `file://${bundleFile}`;
  return (frame) => {
    const url = frame.url;
    if (map && (url === bundleFile || url === bundleUrl)) {
      const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number };
      if (entry.originalSource) {
        const source = entry.originalSource.replace(/^file:\/\//, '');
        const absolute = path.isAbsolute(source) ? source : path.resolve(mapDir, source);
        return { file: path.relative(projectRoot, absolute), line: (entry.originalLine ?? -1) + 1 };
      }
    }
    const file = url.replace(/^file:\/\//, '');
    return { file: path.isAbsolute(file) ? path.relative(projectRoot, file) : file, line: frame.lineNumber + 1 };
  };
}

/** Where a frame's code lives, for the per-phase grouping. Pure. */
export function categoryOf(frame: CallFrame, location: Location): string {
  const name = frame.functionName;
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)') return 'idle (waiting for I/O or PostgreSQL)';
  if (name === '(program)') return 'V8/native (program)';
  if (name === '(root)') return '(root)';
  const file = location.file;
  const pkg = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (pkg) return `npm: ${pkg[1]}`;
  if (file.startsWith('node:')) {
    const parts = file.slice(5).split('/');
    return `node: ${parts[0] === 'internal' ? (parts[1] ?? 'internal').replace(/\.js$/, '') : (parts[0] ?? '')}`;
  }
  if (file === '') return 'V8 builtins/native';
  return file;
}

export interface Window {
  phase: string;
  /** Milliseconds on the process.hrtime clock. */
  start: number;
  end: number;
}

export interface Hot {
  name: string;
  where: string;
  ms: number;
  share: number;
}

export interface PhaseProfile {
  phase: string;
  sampledMs: number;
  functions: Hot[];
  categories: Hot[];
}

/**
 * Self time per function and per category inside each phase (windows of the same phase across
 * runs add up). A sample lasts until the next one, as DevTools counts it.
 */
export function summariseProfile(profile: CpuProfile, windows: readonly Window[], locate: Locate, top = 12): PhaseProfile[] {
  const frames = new Map<number, CallFrame>();
  for (const node of profile.nodes) frames.set(node.id, node.callFrame);
  const phases = [...new Set(windows.map((w) => w.phase))];
  const byPhase = new Map(phases.map((phase) => [phase, { total: 0, functions: new Map<string, Hot>(), categories: new Map<string, Hot>() }]));
  const located = new Map<number, { key: string; name: string; where: string; category: string }>();
  const describe = (id: number) => {
    let found = located.get(id);
    if (!found) {
      const frame = frames.get(id) ?? { functionName: '(unknown)', url: '', lineNumber: -1, columnNumber: -1 };
      const location = locate(frame);
      const name = frame.functionName || '(anonymous)';
      const where = location.file ? `${location.file}${location.line > 0 ? `:${location.line}` : ''}` : '';
      found = { key: `${name}\u0000${where}`, name, where, category: categoryOf(frame, location) };
      located.set(id, found);
    }
    return found;
  };

  let t = profile.startTime;
  const sorted = [...windows].sort((a, b) => a.start - b.start);
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const duration = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const ms = t / 1000;
    const window = sorted.find((w) => ms >= w.start && ms < w.end);
    if (!window || duration <= 0) continue;
    const bucket = byPhase.get(window.phase);
    if (!bucket) continue;
    const frame = describe(profile.samples[i] as number);
    bucket.total += duration;
    add(bucket.functions, frame.key, frame.name, frame.where, duration);
    add(bucket.categories, frame.category, frame.category, '', duration);
  }

  return phases.map((phase) => {
    const bucket = byPhase.get(phase) as { total: number; functions: Map<string, Hot>; categories: Map<string, Hot> };
    const rank = (map: Map<string, Hot>, limit: number) =>
      [...map.values()]
        .sort((a, b) => b.ms - a.ms)
        .slice(0, limit)
        .map((hot) => ({ ...hot, share: bucket.total > 0 ? hot.ms / bucket.total : 0 }));
    return { phase, sampledMs: bucket.total, functions: rank(bucket.functions, top), categories: rank(bucket.categories, top) };
  });
}

function add(map: Map<string, Hot>, key: string, name: string, where: string, ms: number): void {
  const hot = map.get(key);
  if (hot) hot.ms += ms;
  else map.set(key, { name, where, ms, share: 0 });
}
