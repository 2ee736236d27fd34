/**
 * Response shapes: the API's own DTO schemas from `@conduit/core/api` (browser-safe), so a drift
 * between the API and the web app fails loudly at the boundary instead of rendering garbage.
 */
import type { z } from 'zod';
import {
  DevMailDtoSchema,
  EventDtoSchema,
  ExecutionDtoSchema,
  MeDtoSchema,
  RecordDtoSchema,
  VersionDtoSchema,
  WorkflowDtoSchema,
  pageOf as corePageOf,
  type EventDto,
  type ExecutionDto,
  type MeDto,
  type RecordDto,
  type StepDto,
  type VersionDto,
  type WorkflowDto,
} from '@conduit/core/api';

export const MeSchema = MeDtoSchema;
export type Me = MeDto;

export const WorkflowSchema = WorkflowDtoSchema;
export type Workflow = WorkflowDto;
export const VersionSchema = VersionDtoSchema;
export type Version = VersionDto;
export type Step = StepDto;
export const ExecutionSchema = ExecutionDtoSchema;
export type Execution = ExecutionDto;
export const EventSchema = EventDtoSchema;
export type InboundEvent = EventDto;
export const RecordSchema = RecordDtoSchema;
export type RecordRow = RecordDto;
export const DevMailSchema = DevMailDtoSchema;

export const pageOf = <T extends z.ZodType>(item: T) => corePageOf(item);
