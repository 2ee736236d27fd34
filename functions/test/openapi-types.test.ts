import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_PATH, apiTypesSource, openApiDocument } from '../src/openapi-types';

describe('generated TypeScript types of the API (openapi-typescript)', () => {
  it('web/src/api/openapi.gen.ts is what the current document generates (refresh: npm run api-types -w functions)', async () => {
    const doc = await openApiDocument();
    expect(Object.keys(doc.paths).length).toBeGreaterThan(40);
    const fresh = await apiTypesSource(doc);
    // The web client type-checks against this file (npm run typecheck), so a stale one would hide drift.
    expect(readFileSync(API_TYPES_PATH, 'utf8') === fresh, 'stale: run npm run api-types -w functions').toBe(true);
    expect(fresh).toContain('getWorkflow: {');
    expect(fresh).toContain('export type JsonValue =');
  });
});
