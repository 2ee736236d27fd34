import { z } from 'zod';

/**
 * The app runs under a Content-Security-Policy without 'unsafe-eval'. Zod compiles object parsers
 * with `new Function` when it may, and probes for that with a caught `new Function("")`, which the
 * browser still reports as a CSP violation. Jitless: no probe, no eval; parsing stays correct.
 * Imported first by main.tsx, before any schema is used.
 */
z.config({ jitless: true });
