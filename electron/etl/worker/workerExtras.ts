/**
 * The worker's rarely used tasks and their heavy libraries (exceljs for the rejected-rows workbook,
 * pg and the Parquet writer for the lake export), bundled apart from etl-worker.cjs as
 * etl-worker-extras.cjs and loaded only by the task that needs them. In one bundle they were
 * 2.9 MB of the worker's 3.1 MB: compiling that took 0.25–0.3 s of every worker start, which is
 * every preview and every CLI run, before the first byte of a workbook was read.
 */
export { exportRejectedWorkbook } from '../output/exportRejected';
export { default as pg } from '../../db/pgModule';
export { clientConfig } from '../../db/serverConnection';
export { writeDataset } from '../../lake/writeDataset';
// Errors thrown in here are instances of this bundle's classes: converted here for the host.
export { toErrorData } from '../errorData';
