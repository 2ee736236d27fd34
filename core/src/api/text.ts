/**
 * Text rules the API applies, written so that the OpenAPI document carries them as patterns:
 * a client generated from the document then sends only what the server takes.
 */
import { z } from 'zod';
import { ACTION_TYPES, ActionIdSchema, TRIGGER_TYPES } from '../definition';

// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is the character refused (PostgreSQL cannot store it)
const VISIBLE = /^[^\u0000]*[^\s\u0000][^\u0000]*$/;

/** Text with at least one visible character and no U+0000, stored trimmed. */
export const visibleText = (max: number, message = 'enter some text') => z.string().max(max).regex(VISIBLE, message).trim();

/**
 * An email address as the server takes it (zod's rule, stated as a pattern): trimmed and lowercased
 * first, so " Max@Example.com " is taken as it always was.
 */
export const emailText = z.string().trim().toLowerCase().min(3).max(320).regex(z.regexes.email, 'Enter an email address like name@example.com.');

/**
 * A trigger and an action as the document describes them: the type and any other fields. The
 * draft check validates them in full (the OpenAPI generator cannot walk the recursive action schema).
 */
export const TriggerDtoSchema = z
  .looseObject({ type: z.enum(TRIGGER_TYPES as [string, ...string[]]) })
  .meta({ id: 'Trigger', description: 'a WorkflowTrigger (see docs/api.md)' });
export const ActionDtoSchema = z
  .looseObject({ id: ActionIdSchema, type: z.enum(ACTION_TYPES) })
  .meta({ id: 'Action', description: 'a WorkflowAction (see docs/api.md)' });
