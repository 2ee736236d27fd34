/**
 * The API's generated types (openapi-typescript over /api/openapi.json, see openapi.gen.ts) as the
 * client uses them: request bodies are typed from the document, and each response schema the
 * client parses with is held to the document's response type, so `npm run typecheck` fails when
 * the API's document and this client drift. Types only: nothing here reaches the bundle.
 */
import type { z } from 'zod';
import type { operations } from './openapi.gen';

type Json<C> = C extends { content: { 'application/json': infer B } } ? B : never;

/** The JSON body an operation takes. */
export type RequestBody<Id extends keyof operations> = Json<NonNullable<operations[Id]['requestBody']>>;

/** The JSON an operation answers with `status`. */
type ResponseBody<Id extends keyof operations, S extends keyof operations[Id]['responses']> = Json<operations[Id]['responses'][S]>;

/**
 * The schema the client parses a response with, returned unchanged, checked at compile time
 * against the document: what the document says the operation answers must be what the client's
 * schema yields (a field the client reads and the document drops, renames, makes optional or
 * changes type fails the type check). The document's JSON values are `JsonValue` where the
 * client's are `unknown`, so the check runs this way round.
 */
export const answers =
  <Id extends keyof operations, S extends keyof operations[Id]['responses']>() =>
  <T>(
    schema: z.ZodType<T> &
      ([ResponseBody<Id, S>] extends [never] ? { noJsonAnswer: S } : ResponseBody<Id, S> extends T ? unknown : { mismatch: ResponseBody<Id, S> }),
  ): z.ZodType<T> =>
    schema;
