/**
 * The CLI's database steps, in one module the CLI loads after it has started the reading worker:
 * pg and what it pulls in took ~0.25 s to load on the main thread before anything else could
 * start; loaded here, that overlaps the worker's own start, and a dry run never loads it.
 */
export { answerBusinessQuestions } from '../db/businessQuestions';
export { openDatabase, warmPool } from '../db/connection';
export { connectLoadSessions, loadRun } from '../db/load';
