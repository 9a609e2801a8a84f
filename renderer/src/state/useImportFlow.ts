/**
 * The import → preview flow: which workbook sits in which slot, the cleaning options, and the
 * preview run (progress, cancel, result). When both slots are filled the preview runs by itself;
 * changing an option runs it again. A newer run always wins: answers of older runs are ignored
 * (main aborts them anyway).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorData, IdentifiedFile, PreviewProgress, PreviewSummary } from '../../../shared/contract';
import type { DateOrderOption, FileKind, SuspiciousPolicy } from '../../../shared/domain';
import { call, identifyDropped, isCancelled, toErrorData, useEvent } from '../api';

export interface Slots {
  doctors: IdentifiedFile | null;
  appointments: IdentifiedFile | null;
}

export interface ImportOptions {
  dateOrder: DateOrderOption;
  suspiciousPolicy: SuspiciousPolicy;
  /** The day rule 9 measures from, YYYY-MM-DD; null: today (as the CLI without --run_date). */
  runDate: string | null;
}

export type PreviewState =
  | { status: 'idle' }
  | { status: 'running'; cancelling: boolean }
  | { status: 'done'; summary: PreviewSummary }
  | { status: 'cancelled' }
  | { status: 'failed'; error: ErrorData };

export type ProgressByFile = Partial<Record<FileKind, PreviewProgress>>;

export type IdentifySource = 'drop' | 'pick' | 'samples';

/** What happened to one file of the last drop or pick: every file is acknowledged. */
export interface FileNote {
  path: string;
  name: string;
  kind: FileKind | null;
  /** used: placed in its slot; set_aside: another file of the same kind was used; unusable: see `problem`. */
  outcome: 'used' | 'set_aside' | 'unusable';
  /** The file it replaced in its slot, or (set aside) the file used instead. */
  other?: string;
  sheet?: string | null;
}

export interface ImportFlow {
  slots: Slots;
  /** Files from the last drop or pick that could not be used, each with its problem. */
  problems: IdentifiedFile[];
  /** Every file of the last drop or pick, in the order given, and what became of it. */
  notes: FileNote[];
  identifying: IdentifySource | null;
  identifyError: ErrorData | null;
  options: ImportOptions;
  preview: PreviewState;
  progress: ProgressByFile;
  drop(files: readonly File[]): Promise<void>;
  pick(): Promise<void>;
  samples(): Promise<void>;
  removeFile(kind: FileKind): void;
  setOptions(update: Partial<ImportOptions>): void;
  rerun(): void;
  cancel(): void;
}

const EMPTY: Slots = { doctors: null, appointments: null };

export function useImportFlow(defaults: ImportOptions | null, onBothFiles: () => void): ImportFlow {
  const [slots, setSlots] = useState<Slots>(EMPTY);
  const [problems, setProblems] = useState<IdentifiedFile[]>([]);
  const [notes, setNotes] = useState<FileNote[]>([]);
  const [identifying, setIdentifying] = useState<IdentifySource | null>(null);
  const [identifyError, setIdentifyError] = useState<ErrorData | null>(null);
  const [options, setOptionsState] = useState<ImportOptions>(defaults ?? { dateOrder: 'auto', suspiciousPolicy: 'warn', runDate: null });
  const [preview, setPreview] = useState<PreviewState>({ status: 'idle' });
  const [progress, setProgress] = useState<ProgressByFile>({});

  const slotsRef = useRef(slots);
  const optionsRef = useRef(options);
  const runSeq = useRef(0);
  const running = useRef(false);
  const pendingProgress = useRef<ProgressByFile>({});
  const frame = useRef<number | null>(null);
  const touchedOptions = useRef(false);

  // Settings arrive after the first render: they become the options unless the person chose
  // already. Later changes to the saved defaults do not move options under a preview on screen.
  useEffect(() => {
    if (defaults && !touchedOptions.current) {
      touchedOptions.current = true;
      optionsRef.current = defaults;
      setOptionsState(defaults);
    }
  }, [defaults]);

  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );

  // Progress events can come thousands of times a second: keep the latest, paint once a frame.
  useEvent('preview/progress', (event) => {
    if (!running.current) return;
    pendingProgress.current = { ...pendingProgress.current, [event.file]: event };
    frame.current ??= requestAnimationFrame(() => {
      frame.current = null;
      if (running.current) setProgress(pendingProgress.current);
    });
  });

  const run = useCallback(async (files: Slots, chosen: ImportOptions) => {
    const { doctors, appointments } = files;
    if (!doctors || !appointments) return;
    const seq = ++runSeq.current;
    running.current = true;
    pendingProgress.current = {};
    setProgress({});
    setPreview({ status: 'running', cancelling: false });
    try {
      const summary = await call('preview/run', {
        doctors: { path: doctors.path, ...(doctors.sheet ? { sheet: doctors.sheet } : {}) },
        appointments: { path: appointments.path, ...(appointments.sheet ? { sheet: appointments.sheet } : {}) },
        dateOrder: chosen.dateOrder,
        suspiciousPolicy: chosen.suspiciousPolicy,
        ...(chosen.runDate ? { runDate: chosen.runDate } : {}),
      });
      if (seq !== runSeq.current) return;
      setPreview({ status: 'done', summary });
    } catch (error) {
      if (seq !== runSeq.current) return;
      setPreview(isCancelled(error) ? { status: 'cancelled' } : { status: 'failed', error: toErrorData(error) });
    } finally {
      if (seq === runSeq.current) running.current = false;
    }
  }, []);

  const place = useCallback(
    (found: IdentifiedFile[]) => {
      const next = { ...slotsRef.current };
      const unusable: IdentifiedFile[] = [];
      const fileNotes: FileNote[] = [];
      const chosen: Partial<Record<FileKind, IdentifiedFile>> = {};
      let placed = false;
      for (const file of found) {
        const base = { path: file.path, name: file.name, kind: file.kind, sheet: file.sheet };
        if (file.problem || !file.kind) {
          unusable.push(file);
          fileNotes.push({ ...base, outcome: 'unusable' });
          continue;
        }
        // Two files of one kind at once: the first is used, and the other is said to be set aside.
        const first = chosen[file.kind];
        if (first) {
          fileNotes.push({ ...base, outcome: 'set_aside', other: first.name });
          continue;
        }
        chosen[file.kind] = file;
        const previous = next[file.kind];
        next[file.kind] = file;
        placed = true;
        fileNotes.push({ ...base, outcome: 'used', ...(previous && previous.path !== file.path ? { other: previous.name } : {}) });
      }
      slotsRef.current = next;
      setSlots(next);
      setProblems(unusable);
      setNotes(fileNotes);
      if (placed && next.doctors && next.appointments) {
        void run(next, optionsRef.current);
        onBothFiles();
      }
    },
    [run, onBothFiles],
  );

  const identify = useCallback(
    async (source: IdentifySource, find: () => Promise<IdentifiedFile[]>) => {
      setIdentifying(source);
      setIdentifyError(null);
      try {
        const found = await find();
        // An empty answer is a cancelled dialog: nothing changes.
        if (found.length > 0) place(found);
      } catch (error) {
        setIdentifyError(toErrorData(error));
      } finally {
        setIdentifying(null);
      }
    },
    [place],
  );

  const drop = useCallback((files: readonly File[]) => identify('drop', () => identifyDropped(files)), [identify]);
  const pick = useCallback(() => identify('pick', () => call('files/pick', {})), [identify]);
  const samples = useCallback(() => identify('samples', () => call('files/samples', {})), [identify]);

  const cancel = useCallback(() => {
    if (!running.current) return;
    setPreview((state) => (state.status === 'running' ? { status: 'running', cancelling: true } : state));
    call('preview/cancel', {}).catch((error: unknown) => {
      setPreview({ status: 'failed', error: toErrorData(error) });
    });
  }, []);

  const removeFile = useCallback((kind: FileKind) => {
    const next = { ...slotsRef.current, [kind]: null };
    slotsRef.current = next;
    setSlots(next);
    if (running.current) void call('preview/cancel', {}).catch(() => undefined);
    runSeq.current++;
    running.current = false;
    setPreview({ status: 'idle' });
  }, []);

  const setOptions = useCallback(
    (update: Partial<ImportOptions>) => {
      touchedOptions.current = true;
      const next = { ...optionsRef.current, ...update };
      optionsRef.current = next;
      setOptionsState(next);
      void run(slotsRef.current, next);
    },
    [run],
  );

  const rerun = useCallback(() => void run(slotsRef.current, optionsRef.current), [run]);

  return { slots, problems, notes, identifying, identifyError, options, preview, progress, drop, pick, samples, removeFile, setOptions, rerun, cancel };
}
