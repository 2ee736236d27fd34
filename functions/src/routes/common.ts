import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { ErrorBodySchema } from '@conduit/core/api';
import type { AppDeps } from '../deps';
import type { Env } from '../http/context';

export type Api = OpenAPIHono<Env>;
export type RouteDeps = AppDeps & { now(): Date };

export const err = (description: string) => ({ description, content: { 'application/json': { schema: ErrorBodySchema } } });
/** The refusals every workspace route can answer, documented once. */
export const errors = {
  400: err('invalid input; `error.path` names the field'),
  401: err('no session or API key, or an expired/revoked key'),
  403: err('the caller is a member; admins only'),
  404: err('no such workspace or resource in it (other workspaces’ ids included)'),
  413: err('body larger than 1 MiB'),
  415: err('body is not application/json'),
} as const;

export const json = <T extends z.ZodType>(schema: T, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
export const body = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });

export const WsParams = z.object({ ws: z.string().min(1).max(200).meta({ description: 'workspace id or slug' }) });
export const WsIdParams = WsParams.extend({ id: z.string().min(1).max(200) });
