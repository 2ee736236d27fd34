import { RecordQueryError, recordView, upsertRecord, uuidFromName } from '@conduit/core/domain';
import { causedBy, publishAfterCommit } from './causation';
import { StepError, stepKey, type ActionHandler } from './types';

export const upsertRecordAction: ActionHandler<'upsert_record'> = async (action, ctx, deps) => {
  // Per loop iteration inside a for_each (stepKey adds the row's path there).
  const step = `${ctx.run.executionId}/${stepKey(ctx.step)}`;
  try {
    const res = await upsertRecord(deps.db, {
      workspaceId: ctx.run.workspaceId,
      object: action.object,
      match: action.match,
      data: action.data,
      causation: causedBy(ctx),
      // Named after the step, like create_record's id, and its event marked with the step: an
      // attempt re-run after its commit (the result not yet in the history) answers what the first
      // one did instead of writing again.
      id: uuidFromName(step),
      dedupeKey: `upsert:${step}`,
    });
    if (res.event) await publishAfterCommit(deps, res.event);
    return { output: { id: res.record.id, object: res.record.object, record: recordView(res.record), created: res.created, changed: res.changed } };
  } catch (e) {
    if (e instanceof RecordQueryError) throw new StepError(e.message);
    throw e;
  }
};
