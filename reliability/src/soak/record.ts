import { createRecorder } from '../results';
import { formatSoakTable, soakProblems, type SoakResult } from './run';

const KINDS = {
  ci: { family: 'soak', title: 'Fault-injection soak' },
  full: { family: 'soak-full', title: 'Fault-injection soak, full size (documented command, not in CI)' },
  'temporal-outage': { family: 'soak-temporal-outage', title: 'Temporal down for minutes while webhooks arrive (documented command, not in CI)' },
} as const;

/**
 * Writes the soak's figures to RELIABILITY.md: the CI-sized test as the `soak` family, the
 * documented commands (full size, long Temporal outage) each as their own, so no run overwrites another's.
 */
export function recordSoak(r: SoakResult, o: { command: string; durationMs: number; kind?: keyof typeof KINDS }): string {
  const rec = createRecorder({
    ...KINDS[o.kind ?? 'ci'],
    command: o.command,
    notes: [
      `Webhooks sent to the ingress process over HTTP; PostgreSQL; the SQS adapter on ${r.sqs}; the Temporal dev server.`,
      'Faults (every kind once, then at random moments): worker SIGKILLed and restarted, Temporal dev server stopped and restarted (same port,',
      'same SQLite file), dispatcher SIGKILLed after receiving a message and before starting the run, PostgreSQL',
      'connections terminated (pg_terminate_backend), SQS unreachable for a while. Every 50th event carries a forged',
      'signature and must be refused. Effects go to a local HTTP sink that counts Idempotency-Key values.',
      '',
      '```',
      formatSoakTable(r),
      '```',
    ],
  });
  const figures: Array<[string, number | string]> = [
    ['events sent', r.sent],
    ['accepted', r.accepted],
    ['refused (forged on purpose)', r.refusedForged],
    ['refused (genuine, after retries)', r.refusedGenuine],
    ['runs expected', r.runsExpected],
    ['runs found', r.runsFound],
    ['lost', r.lost],
    ['duplicated runs', r.duplicates],
    ['runs not final', r.notFinal],
    ['runs completed', r.runsCompleted],
    ['runs failed', r.runsFailed],
    ['effects (distinct Idempotency-Key)', r.effects],
    ['effects run twice', r.duplicateEffects],
    ['redeliveries absorbed by the key', r.redeliveriesAbsorbed],
    ['forged events stored', r.forgedStored],
    ['Temporal/database disagreements', r.temporalMismatches],
    ['faults injected', Object.values(r.faults).reduce((a, b) => a + b, 0)],
    ['time to drain (s)', Number((r.timeToDrainMs / 1000).toFixed(1))],
    ['peak backlog (messages in the queue)', r.peakBacklog],
    ['queue server', r.sqs],
    ...(r.temporalOutage
      ? ([
          ['Temporal outage (s)', r.temporalOutage.downMs / 1000],
          ['webhooks sent during the outage', r.temporalOutage.requests],
          ['… answered 202', r.temporalOutage.answered202],
          ['… answered otherwise', r.temporalOutage.otherAnswers],
        ] as Array<[string, number]>)
      : []),
    ['load window (s)', Number((r.sendMs / 1000).toFixed(1))],
    ['seed', r.seed],
  ];
  for (const [k, v] of figures) rec.set(k, v);
  for (const [kind, n] of Object.entries(r.faults)) rec.row({ fault: kind, injected: n });
  for (const [name, n] of Object.entries(r.unexpectedRestarts)) if (n) rec.row({ fault: `${name} exited on its own, restarted`, injected: n });
  const problems = soakProblems(r);
  rec.check(
    'every accepted event has exactly one run, every run final, no effect twice, Temporal agrees',
    problems.length ? 'failed' : 'passed',
    problems.join('; ') || undefined,
  );
  const file = rec.write(undefined, o.durationMs);
  return file;
}
