import { findRecords, RecordQueryError } from '@conduit/core/domain';
import { StepError, type ActionHandler } from './types';

/** The most a find's output may hold: it travels through the workflow history and the step row. */
const FIND_OUTPUT_MAX_BYTES = 1_000_000;

export const findRecordsAction: ActionHandler<'find_records'> = async (action, ctx, deps) => {
  try {
    const found = await findRecords(deps.db, {
      workspaceId: ctx.run.workspaceId,
      object: action.object,
      where: action.where,
      orderBy: action.orderBy,
      limit: action.limit,
    });
    const output = { items: found.items, count: found.count, first: found.first, hasMore: found.hasMore };
    const size = Buffer.byteLength(JSON.stringify(output));
    if (size > FIND_OUTPUT_MAX_BYTES)
      throw new StepError(
        `the ${found.count} ${action.object} records found hold ${(size / 1e6).toFixed(1)} MB; a step's output may hold at most ${FIND_OUTPUT_MAX_BYTES / 1e6} MB: lower the limit or narrow the conditions`,
      );
    return { output };
  } catch (e) {
    // A query that cannot run as asked fails the same way on every attempt.
    if (e instanceof RecordQueryError) throw new StepError(e.message);
    throw e;
  }
};
