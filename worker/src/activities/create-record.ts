import { createRecord, recordView } from '@conduit/core/domain';
import { causedBy, publishAfterCommit } from './causation';
import type { ActionHandler } from './types';

export const createRecordAction: ActionHandler<'create_record'> = async (action, ctx, deps) => {
  const { record, event } = await createRecord(deps.db, {
    workspaceId: ctx.run.workspaceId,
    object: action.object,
    data: action.data,
    causation: causedBy(ctx),
  });
  await publishAfterCommit(deps, event);
  return { output: { id: record.id, object: record.object, record: recordView(record) } };
};
