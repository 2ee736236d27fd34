import { createRecord, recordView, uuidFromName } from '@conduit/core/domain';
import { causedBy, publishAfterCommit } from './causation';
import { stepKey, type ActionHandler } from './types';

export const createRecordAction: ActionHandler<'create_record'> = async (action, ctx, deps) => {
  const { record, event } = await createRecord(deps.db, {
    // Named after the step: a local activity re-run after a crash (its result not yet in the history)
    // finds the record it made instead of making a second one.
    id: uuidFromName(`${ctx.run.executionId}/${stepKey(ctx.step)}`),
    workspaceId: ctx.run.workspaceId,
    object: action.object,
    data: action.data,
    causation: causedBy(ctx),
  });
  await publishAfterCommit(deps, event);
  return { output: { id: record.id, object: record.object, record: recordView(record) } };
};
