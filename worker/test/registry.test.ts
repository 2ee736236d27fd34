import { describe, expect, it } from 'vitest';
import { ACTION_META, ACTION_TYPES } from '@conduit/core/definition';
import { ACTION_HANDLERS } from '../src/activities/registry';

describe('worker action registry', () => {
  it('has a handler for every type that runs as an activity, and none for types the workflow evaluates', () => {
    expect(Object.keys(ACTION_HANDLERS).sort()).toEqual([...ACTION_TYPES].sort());
    for (const type of ACTION_TYPES) {
      const evaluatedByWorkflow = ACTION_META[type].placement === 'workflow';
      expect({ type, handler: ACTION_HANDLERS[type] === null }).toEqual({ type, handler: evaluatedByWorkflow });
    }
  });
});
