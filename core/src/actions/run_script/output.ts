import type { OutputField } from '../define';

/** No fixed fields: the output is the script's return value, any JSON. */
export const output: readonly OutputField[] | null = null;
