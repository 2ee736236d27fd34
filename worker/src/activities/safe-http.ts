import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, request } from 'undici';

type Resolved = { address: string; family: number };
export type Resolver = (hostname: string) => Promise<Resolved[]>;
const systemResolver: Resolver = (h) => dnsLookup(h, { all: true, verbatim: true });

export class BlockedAddressError extends Error {
  readonly code = 'ERR_BLOCKED_ADDRESS';
  constructor(message: string) {
    super(message);
    this.name = 'BlockedAddressError';
  }
}

type HttpRequest = {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
};
type HttpResponse = {
  status: number;
  /** Final URL after redirects. */
  url: string;
  redirects: number;
  headers: Record<string, string>;
  body: string;
  truncated: boolean;
};
export type SafeHttp = {
  request(req: HttpRequest): Promise<HttpResponse>;
  /** Throws BlockedAddressError when the URL may not be called. */
  check(url: string): Promise<void>;
  close(): Promise<void>;
};

const HTTP_LIMITS = { maxRedirects: 5, maxBodyBytes: 64 * 1024 } as const;
/** Response headers kept in the step output; everything else (cookies included) is dropped. */
const KEEP_HEADERS = ['content-type', 'content-length', 'location', 'retry-after', 'date', 'etag', 'x-request-id', 'request-id'];

type Allow = { hosts: Set<string>; cidrs: [ipaddr.IPv4 | ipaddr.IPv6, number][] };

function parseAllowlist(entries: readonly string[]): Allow {
  const hosts = new Set<string>();
  const cidrs: Allow['cidrs'] = [];
  for (const raw of entries) {
    const e = raw.trim().toLowerCase();
    if (!e) continue;
    if (e.includes('/') && ipaddr.isValidCIDR(e)) cidrs.push(ipaddr.parseCIDR(e));
    else if (ipaddr.isValid(e)) {
      const a = ipaddr.parse(e);
      cidrs.push([a, a.kind() === 'ipv4' ? 32 : 128]);
    } else hosts.add(e);
  }
  return { hosts, cidrs };
}

/**
 * Why an address may not be called, or null when it is a public unicast address (or allowlisted).
 * IPv4-mapped IPv6 is judged as the IPv4 it carries; every special range (loopback, private,
 * link-local incl. cloud metadata, CGNAT, ULA, unspecified, multicast, 6to4/Teredo…) is refused.
 */
function addressProblem(address: string, allow: Allow = { hosts: new Set(), cidrs: [] }): string | null {
  if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  for (const [net, bits] of allow.cidrs) if (net.kind() === ip.kind() && ip.match(net, bits)) return null;
  const range = ip.range();
  return range === 'unicast' ? null : `${ip.toString()} is a ${range} address, not a public one`;
}

type ResolveChecked = (hostname: string) => Promise<Resolved[]>;

/** Resolves a name and checks every answer; the connection then uses exactly these addresses. */
function checkedResolver(allow: Allow, resolver: Resolver): ResolveChecked {
  return async (hostname) => {
    const host = hostname.toLowerCase();
    const answers = await resolver(host);
    if (answers.length === 0) throw new BlockedAddressError(`${host} did not resolve`);
    if (allow.hosts.has(host)) return answers;
    for (const a of answers) {
      const problem = addressProblem(a.address, allow);
      if (problem) throw new BlockedAddressError(`refused ${host}: it resolves to ${problem}`);
    }
    return answers;
  };
}

/** DNS rebinding: the socket connects to the address this lookup checked, not a second answer. */
function checkedLookup(resolveChecked: ResolveChecked): LookupFunction {
  return (hostname, options, callback) => {
    resolveChecked(hostname).then(
      (answers) => {
        const family = typeof options === 'object' && options?.family ? Number(options.family) : 0;
        const fitting = family ? answers.filter((a) => a.family === family) : answers;
        const list = fitting.length ? fitting : answers;
        if (typeof options === 'object' && options?.all) (callback as (e: null, a: Resolved[]) => void)(null, list);
        else callback(null, list[0]!.address, list[0]!.family);
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, '', 0),
    );
  };
}

async function checkUrl(url: string, allow: Allow, resolveChecked: ResolveChecked): Promise<void> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new BlockedAddressError(`"${url}" is not a valid URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new BlockedAddressError(`refused ${u.protocol} URL: only http and https`);
  // WHATWG URL parsing already turns decimal, octal and hex spellings into dotted IPv4.
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (allow.hosts.has(host)) return;
  if (isIP(host)) {
    const problem = addressProblem(host, allow);
    if (problem) throw new BlockedAddressError(`refused ${host}: ${problem}`);
    return;
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || host.endsWith('.local'))
    throw new BlockedAddressError(`refused ${host}: a local host name`);
  await resolveChecked(host);
}

/** At most maxBodyBytes of the body; the rest is not read. */
async function readCapped(body: AsyncIterable<unknown> & { destroy(): unknown }): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    if (size + buf.length > HTTP_LIMITS.maxBodyBytes) {
      chunks.push(buf.subarray(0, HTTP_LIMITS.maxBodyBytes - size));
      truncated = true;
      body.destroy();
      break;
    }
    chunks.push(buf);
    size += buf.length;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated };
}

function keptHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const h of KEEP_HEADERS) {
    const v = headers[h];
    if (v !== undefined) kept[h] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return kept;
}

export function createSafeHttp(opts: { allowlist?: readonly string[]; resolver?: Resolver } = {}): SafeHttp {
  const allow = parseAllowlist(opts.allowlist ?? []);
  const resolveChecked = checkedResolver(allow, opts.resolver ?? systemResolver);
  const agent = new Agent({ connect: { lookup: checkedLookup(resolveChecked) }, keepAliveTimeout: 4_000 });
  const check = (url: string) => checkUrl(url, allow, resolveChecked);

  async function send(req: HttpRequest): Promise<HttpResponse> {
    let url = req.url;
    let method = req.method;
    let body = req.body;
    const headers = { ...req.headers };
    const signal = req.signal ? AbortSignal.any([req.signal, AbortSignal.timeout(req.timeoutMs)]) : AbortSignal.timeout(req.timeoutMs);
    for (let redirects = 0; ; redirects++) {
      await check(url);
      const res = await request(url, {
        method: method as 'GET',
        headers,
        body,
        dispatcher: agent,
        signal,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      });
      const location = res.headers.location;
      if ([301, 302, 303, 307, 308].includes(res.statusCode) && typeof location === 'string') {
        await res.body.dump();
        if (redirects >= HTTP_LIMITS.maxRedirects) throw new BlockedAddressError(`too many redirects (more than ${HTTP_LIMITS.maxRedirects})`);
        const next = new URL(location, url);
        if (new URL(url).origin !== next.origin) {
          delete headers.authorization;
          delete headers.Authorization;
        }
        if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
        }
        url = next.toString();
        continue;
      }
      const { text, truncated } = await readCapped(res.body);
      return { status: res.statusCode, url, redirects, headers: keptHeaders(res.headers), body: text, truncated };
    }
  }

  return { request: send, check, close: () => agent.close() };
}
