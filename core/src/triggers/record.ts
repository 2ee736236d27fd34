import { z } from 'zod';
import { ObjectNameSchema } from '../definition/common';

/** The schema of a trigger that fires on one kind of change to records of one object. */
export const recordTriggerSchema = <T extends string>(type: T) => z.object({ type: z.literal(type), object: ObjectNameSchema });
