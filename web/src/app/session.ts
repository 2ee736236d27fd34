import { createResource, createRoot } from 'solid-js';
import { api } from '../api/endpoints';
import { ApiError } from '../api/client';
import type { Me } from '../api/schemas';

/** The signed-in user and their workspaces; `undefined` while loading, `null` when signed out. */
export const session = createRoot(() => {
  const [me, { refetch, mutate }] = createResource<Me | null>(async () => {
    try {
      return await api.me();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    }
  });
  return { me, refetch, clear: () => mutate(null) };
});

const DEFAULT_TEMPORAL_UI = 'http://localhost:8233';
export const temporalUiUrl = () => session.me()?.temporalUiUrl ?? DEFAULT_TEMPORAL_UI;
