import { deleteRecord, recordView } from '@conduit/core/domain';
import { causedBy, publishAfterCommit } from './causation';
import { StepError, type ActionHandler } from './types';

export const deleteRecordAction: ActionHandler<'delete_record'> = async (action, ctx, deps) => {
  const res = await deleteRecord(deps.db, {
    workspaceId: ctx.run.workspaceId,
    object: action.object,
    id: action.recordId,
    causation: causedBy(ctx),
  });
  if (!res) throw new StepError(`no ${action.object} record with id "${action.recordId}" in this workspace`);
  await publishAfterCommit(deps, res.event);
  return { output: { id: res.record.id, object: res.record.object, deleted: true, record: recordView(res.record) } };
};
