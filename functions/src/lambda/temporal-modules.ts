/**
 * Everything Temporal the Lambdas use, behind one module that ./temporal imports dynamically:
 * the bundler makes it a single chunk, loaded on first use.
 */
export { temporalClient } from '../deps';
export { createRunPromoter, createRunStarter, quotaWarningMailer } from '../runs';
export { createScheduleSync } from '../schedules';
