import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { REPO_ROOT } from './paths';

const HOST = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a lower-case DNS name such as conduit.example.com');
const ACM_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]+$/;

/** The region an ACM certificate lives in, from its ARN. */
export const certificateRegion = (arn: string): string => ACM_ARN.exec(arn)?.[1] ?? '';

export const CustomDomainSchema = z
  .object({
    /** What people and webhook senders use, e.g. conduit.example.com. */
    domain: HOST,
    /** ACM certificate for `domain`, in us-east-1 (CloudFront only takes certificates from there). */
    certificateArn: z
      .string()
      .regex(ACM_ARN, 'an ACM certificate ARN')
      .refine((a) => certificateRegion(a) === 'us-east-1', 'CloudFront needs a certificate in us-east-1'),
    /**
     * The API's own name, which only CloudFront calls (its default execute-api endpoint is then
     * disabled). Default: the domain's first label + "-origin", beside it (conduit-origin.example.com),
     * so one wildcard certificate covers both.
     */
    apiOriginDomain: HOST,
    /** ACM certificate for apiOriginDomain in the deploy's region (API Gateway takes regional ones). Default: certificateArn. */
    apiCertificateArn: z.string().regex(ACM_ARN, 'an ACM certificate ARN'),
    /** Route 53 hosted zone of the domain: the alias records are created there. Absent: create the two DNS records yourself (see the outputs). */
    hostedZone: z.object({ id: z.string().min(1), name: z.string().min(1) }).optional(),
  })
  .refine((d) => d.apiOriginDomain !== d.domain, { message: 'the API origin needs a name of its own', path: ['apiOriginDomain'] });
export type CustomDomain = z.infer<typeof CustomDomainSchema>;

/** conduit.example.com → conduit-origin.example.com */
export const defaultApiOriginDomain = (domain: string): string => domain.replace(/^([^.]+)\./, '$1-origin.');

/**
 * Deploy-time settings, read from the environment of `sst deploy` (or a test) and validated once.
 * Only names and sizes live here: secret values never pass through the synthesizer.
 */
export const DeploySettingsSchema = z.object({
  stage: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  /** Secrets Manager secret (name or full ARN) holding a JSON object; see RuntimeSecretKeys. */
  secret: z.string().min(1),
  /** SSM prefix of the plain (non-secret) parameters, e.g. /conduit/prod. */
  ssmPrefix: z.string().regex(/^\/[A-Za-z0-9_.\-/]+[^/]$/, 'an absolute SSM path without a trailing slash'),
  /** Worker image: built from worker/Dockerfile at deploy (`asset`), or a pushed image URI. */
  workerImage: z.discriminatedUnion('kind', [z.object({ kind: z.literal('asset') }), z.object({ kind: z.literal('registry'), uri: z.string().min(1) })]),
  workerMinTasks: z.number().int().min(0).max(50),
  workerMaxTasks: z.number().int().min(1).max(100),
  /** Activities one worker task runs at once (its database pool is sized to match). */
  workerActivitySlots: z.number().int().min(1).max(1000).default(40),
  /** Reserved concurrency of the webhook ingress: a flood cannot take the account's whole pool. 0 = unreserved. */
  ingressReservedConcurrency: z.number().int().min(0).max(1000),
  /** SES identity (domain or address) the worker may send from; empty = any verified identity of the account. */
  sesIdentity: z.string().default(''),
  /** Minutes between outbox sweeps. Each sweep queries the database, so it also keeps a Neon compute awake. */
  sweepEveryMinutes: z.number().int().min(1).max(60).default(1),
  /** Email address subscribed to the DLQ alarm topic; empty = topic without subscribers. */
  alarmEmail: z.string().email().or(z.literal('')).default(''),
  /** OTLP/HTTP base URL for traces (OTEL_EXPORTER_OTLP_ENDPOINT of every function and the worker); empty = tracing off. */
  otlpEndpoint: z.union([z.literal(''), z.string().regex(/^https?:\/\/[^/\s]/, 'an http:// or https:// URL')]).default(''),
  /**
   * The runtime secret has an OTEL_EXPORTER_OTLP_HEADERS key (a backend's API key) that the worker
   * container gets too (the Lambdas read every key of the secret). Off by default: ECS refuses to
   * start a task whose secret lacks a referenced key.
   */
  otlpHeadersInSecret: z.boolean().default(false),
  /** The built web app (web/dist, built by `npm run deploy`); absent = no upload (the distribution still deploys). */
  webDistPath: z.string().optional(),
  /** A custom domain for the site, /api and /hooks (webhook URLs then survive a redeploy); absent = the CloudFront name. */
  customDomain: CustomDomainSchema.optional(),
});
export type DeploySettings = z.infer<typeof DeploySettingsSchema>;

const EnvSchema = z.object({
  CONDUIT_SECRET: z.string().optional(),
  CONDUIT_SSM_PREFIX: z.string().optional(),
  CONDUIT_WORKER_IMAGE: z.string().optional(),
  CONDUIT_WORKER_MIN_TASKS: z.coerce.number().default(1),
  CONDUIT_WORKER_MAX_TASKS: z.coerce.number().default(4),
  CONDUIT_WORKER_ACTIVITY_SLOTS: z.coerce.number().default(40),
  CONDUIT_INGRESS_CONCURRENCY: z.coerce.number().default(20),
  CONDUIT_SES_IDENTITY: z.string().default(''),
  CONDUIT_ALARM_EMAIL: z.string().default(''),
  CONDUIT_SWEEP_MINUTES: z.coerce.number().default(1),
  CONDUIT_WEB_DIST: z.string().optional(),
  CONDUIT_DOMAIN: z.string().optional(),
  CONDUIT_CERTIFICATE_ARN: z.string().optional(),
  CONDUIT_API_ORIGIN_DOMAIN: z.string().optional(),
  CONDUIT_API_CERTIFICATE_ARN: z.string().optional(),
  CONDUIT_HOSTED_ZONE_ID: z.string().optional(),
  CONDUIT_HOSTED_ZONE_NAME: z.string().optional(),
  CONDUIT_OTLP_ENDPOINT: z.string().default(''),
  CONDUIT_OTLP_HEADERS_IN_SECRET: z.enum(['true', 'false', '']).default(''),
});

/** Settings for a stage from environment variables, with per-stage defaults for the names. */
export function settingsFromEnv(stage: string, env: Record<string, string | undefined> = process.env): DeploySettings {
  const e = EnvSchema.parse(env);
  const parsed = DeploySettingsSchema.safeParse({
    stage,
    secret: e.CONDUIT_SECRET ?? `conduit/${stage}/runtime`,
    ssmPrefix: e.CONDUIT_SSM_PREFIX ?? `/conduit/${stage}`,
    workerImage: e.CONDUIT_WORKER_IMAGE ? { kind: 'registry', uri: e.CONDUIT_WORKER_IMAGE } : { kind: 'asset' },
    workerMinTasks: e.CONDUIT_WORKER_MIN_TASKS,
    workerMaxTasks: e.CONDUIT_WORKER_MAX_TASKS,
    workerActivitySlots: e.CONDUIT_WORKER_ACTIVITY_SLOTS,
    ingressReservedConcurrency: e.CONDUIT_INGRESS_CONCURRENCY,
    sesIdentity: e.CONDUIT_SES_IDENTITY,
    alarmEmail: e.CONDUIT_ALARM_EMAIL,
    sweepEveryMinutes: e.CONDUIT_SWEEP_MINUTES,
    webDistPath: e.CONDUIT_WEB_DIST ?? defaultWebDist(),
    ...(e.CONDUIT_DOMAIN
      ? {
          customDomain: {
            domain: e.CONDUIT_DOMAIN,
            certificateArn: e.CONDUIT_CERTIFICATE_ARN,
            apiOriginDomain: e.CONDUIT_API_ORIGIN_DOMAIN || defaultApiOriginDomain(e.CONDUIT_DOMAIN),
            apiCertificateArn: e.CONDUIT_API_CERTIFICATE_ARN || e.CONDUIT_CERTIFICATE_ARN,
            ...(e.CONDUIT_HOSTED_ZONE_ID ? { hostedZone: { id: e.CONDUIT_HOSTED_ZONE_ID, name: e.CONDUIT_HOSTED_ZONE_NAME } } : {}),
          },
        }
      : {}),
    otlpEndpoint: e.CONDUIT_OTLP_ENDPOINT,
    otlpHeadersInSecret: e.CONDUIT_OTLP_HEADERS_IN_SECRET === 'true',
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid deploy settings:\n${lines.join('\n')}`);
  }
  if (parsed.data.workerMinTasks > parsed.data.workerMaxTasks) {
    throw new Error('Invalid deploy settings: CONDUIT_WORKER_MIN_TASKS exceeds CONDUIT_WORKER_MAX_TASKS');
  }
  return parsed.data;
}

function defaultWebDist(): string | undefined {
  const dist = join(REPO_ROOT, 'web/dist');
  return existsSync(join(dist, 'index.html')) ? dist : undefined;
}
