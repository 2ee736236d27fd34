import { z } from 'zod';
import {
  CallLinksSchema,
  ExecutionDtoSchema,
  ImportReportSchema,
  ManualWorkflowDtoSchema,
  WorkflowDtoSchema,
  WorkflowExportSchema,
  pageOf,
} from '@conduit/core/api';
import { request } from './client';

const ws = (id: string) => `/api/workspaces/${encodeURIComponent(id)}`;
const enc = encodeURIComponent;

export type ManualWorkflow = z.infer<typeof ManualWorkflowDtoSchema>;
export type ImportReport = z.infer<typeof ImportReportSchema>;

/** Run now, Run workflow on a record, export, import and the call links of a run (issue 17). */
export const composeApi = {
  run: (w: string, id: string, body: { recordId?: string; payload?: unknown }) =>
    request('POST', `${ws(w)}/workflows/${enc(id)}/run`, ExecutionDtoSchema, body),
  manualWorkflows: (w: string, object?: string) =>
    request('GET', `${ws(w)}/manual-workflows`, pageOf(ManualWorkflowDtoSchema), undefined, object ? { object } : {}),
  exportFile: (w: string, id: string) => request('GET', `${ws(w)}/workflows/${enc(id)}/export`, WorkflowExportSchema),
  importFile: (w: string, file: unknown, rename?: string) =>
    request('POST', `${ws(w)}/workflows/import`, z.object({ workflow: WorkflowDtoSchema, report: ImportReportSchema }), {
      ...(typeof file === 'object' && file !== null ? file : {}),
      ...(rename ? { rename } : {}),
    }),
  calls: (w: string, executionId: string) => request('GET', `${ws(w)}/executions/${enc(executionId)}/calls`, CallLinksSchema),
};
