import dns from 'node:dns';
import http from 'node:http';
import net from 'node:net';

/**
 * Where the server may connect on a tenant's behalf (a receiver's address, any URL a tenant gives).
 * A tenant must not be able to make the server reach what only the server can reach: itself
 * (loopback), the cloud metadata service (link-local 169.254.169.254), the hosting network (private
 * ranges) or anything that is not one host (multicast, broadcast, unspecified). The operator opens
 * listed networks with OUTBOUND_ALLOW_NETWORKS — real receivers live on a venue's private LAN.
 *
 * The rule applies to the address actually connected to: a hostname is resolved, every address it
 * resolves to must be allowed, and the connection goes to the address that was checked (no second
 * resolution a rebinding DNS server could answer differently).
 */

type Family = 'ipv4' | 'ipv6';

/** Destinations refused unless the operator allows them, with the name the operator log gives them. */
const FORBIDDEN: [range: string, why: string][] = [
  ['0.0.0.0/8', 'an unspecified address'],
  ['10.0.0.0/8', 'a private address'],
  ['100.64.0.0/10', 'a shared (carrier-grade NAT) address'],
  ['127.0.0.0/8', 'a loopback address'],
  ['169.254.0.0/16', 'a link-local address'],
  ['172.16.0.0/12', 'a private address'],
  ['192.0.0.0/24', 'a protocol-assignment address'],
  ['192.168.0.0/16', 'a private address'],
  ['198.18.0.0/15', 'a benchmarking address'],
  ['224.0.0.0/4', 'a multicast address'],
  ['240.0.0.0/4', 'a reserved or broadcast address'],
  ['::/128', 'an unspecified address'],
  ['::1/128', 'a loopback address'],
  // IPv4-compatible addresses (deprecated): no real host has one.
  ['::/96', 'an IPv4-compatible address'],
  ['fc00::/7', 'a private (unique local) address'],
  ['fe80::/10', 'a link-local address'],
  ['fec0::/10', 'a site-local address'],
  ['ff00::/8', 'a multicast address'],
];

const forbidden = FORBIDDEN.map(([range, why]) => ({ ...parseCidr(range), why }));

/** Every reason `refusal` can give, for the test that checks each is worded in every language. */
export const refusalReasons = () => [...new Set(FORBIDDEN.map(([, why]) => why)), 'not an IP address'];

/** An address and prefix length, as written in OUTBOUND_ALLOW_NETWORKS (`10.20.0.0/16`). */
export function parseCidr(text: string): { network: string; prefix: number; family: Family } {
  const match = /^([^/\s]+)\/(\d{1,3})$/.exec(text.trim());
  const family = match ? net.isIP(match[1]) : 0;
  const prefix = match ? Number(match[2]) : NaN;
  if (!match || family === 0 || prefix > (family === 4 ? 32 : 128))
    throw new Error(`not a network in CIDR notation (like 10.20.0.0/16 or fd00::/8): "${text}"`);
  return { network: match[1], prefix, family: family === 4 ? 'ipv4' : 'ipv6' };
}

function blockListOf(networks: { network: string; prefix: number; family: Family }[]): net.BlockList {
  const list = new net.BlockList();
  for (const n of networks) list.addSubnet(n.network, n.prefix, n.family);
  return list;
}

const forbiddenList = forbidden.map((f) => ({ why: f.why, list: blockListOf([f]) }));

/** The 16 bytes of a valid IPv6 address (zone id dropped). */
function ipv6Bytes(address: string): number[] {
  let text = address.split('%')[0].toLowerCase();
  let tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail = dotted[2].split('.').map(Number);
    text = dotted[1].endsWith('::') ? dotted[1] : dotted[1].slice(0, -1);
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const missing = rest === undefined ? 0 : 8 - tail.length / 2 - left.length - right.length;
  const groups = [...left, ...Array<string>(missing).fill('0'), ...right];
  return [...groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]), ...tail];
}

/**
 * The IPv4 address an IPv6 address stands for, when it embeds one: IPv4-mapped (::ffff:a.b.c.d),
 * NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:AABB:CCDD::) all reach the IPv4 host they name.
 */
export function embeddedIpv4(address: string): string | null {
  if (net.isIPv6(address) === false) return null;
  const b = ipv6Bytes(address);
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const v4 = (at: number) => b.slice(at, at + 4).join('.');
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4(12);
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return v4(12);
  if (b[0] === 0x20 && b[1] === 0x02) return v4(2);
  return null;
}

/** The address as the rules see it: an IPv6 address embedding an IPv4 one is that IPv4 address. */
function normalize(address: string): { address: string; family: Family } {
  const v4 = embeddedIpv4(address);
  if (v4) return { address: v4, family: 'ipv4' };
  const bare = address.split('%')[0];
  return { address: bare, family: net.isIPv4(bare) ? 'ipv4' : 'ipv6' };
}

/**
 * Why the server refuses to connect to `address` by default (`a loopback address`, …), or null
 * for an address on the public internet. Ignores the operator's allowed networks.
 */
export function forbiddenRange(address: string): string | null {
  if (net.isIP(address.split('%')[0]) === 0) return 'not an IP address';
  const n = normalize(address);
  return forbiddenList.find((f) => f.list.check(n.address, n.family))?.why ?? null;
}

/**
 * The process's outbound policy: the operator's allowed networks, and single addresses allowed to
 * one org (the demo's receiver simulator on loopback). One process serves one configuration; the
 * server sets it from its config when it starts.
 */
const policy = {
  allowed: new net.BlockList(),
  exact: new Map<string, Set<string>>(),
};

/** Sets the operator's allowed networks (OUTBOUND_ALLOW_NETWORKS, already validated). */
export function configureOutbound(opts: { allowNetworks: string[] }): void {
  policy.allowed = blockListOf(opts.allowNetworks.map(parseCidr));
}

const exactKey = (address: string, port: number) => `${normalize(address).address}|${port}`;

/**
 * Allows one address and port to one org only, for as long as the process runs (or until the
 * returned function is called): the receiver simulator `roster start` runs for the demo org.
 */
export function allowExactly(orgId: string, address: string, port: number): () => void {
  let keys = policy.exact.get(orgId);
  if (!keys) policy.exact.set(orgId, (keys = new Set()));
  const key = exactKey(address, port);
  keys.add(key);
  return () => void keys.delete(key);
}

/** Whose connection it is: the org a receiver belongs to. */
export interface OutboundScope {
  orgId?: string;
}

/** Why connecting to the IP `address` on `port` is refused for `scope`, or null when it is allowed. */
export function refusal(address: string, port: number, scope: OutboundScope = {}): string | null {
  const why = forbiddenRange(address);
  if (why === null) return null;
  if (why === 'not an IP address') return why;
  const n = normalize(address);
  if (policy.allowed.check(n.address, n.family)) return null;
  if (scope.orgId && policy.exact.get(scope.orgId)?.has(exactKey(address, port))) return null;
  return why;
}

/**
 * A connection the rule refused. Its message is for the operator log; a tenant is only ever told
 * that the destination is unreachable.
 */
export class OutboundRefused extends Error {
  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(`outbound connection to ${host} refused: ${reason}`);
    this.name = 'OutboundRefused';
  }
}

export interface CheckedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves `host` (an IP or a hostname) and returns the address to connect to, after checking
 * every address the name resolves to; throws OutboundRefused when any of them is not allowed.
 */
export async function assertOutboundAllowed(
  host: string,
  port: number,
  scope: OutboundScope = {},
): Promise<CheckedAddress> {
  const literal = net.isIP(host);
  const addresses: CheckedAddress[] = literal
    ? [{ address: host, family: literal as 4 | 6 }]
    : await dns.promises.lookup(host, { all: true, verbatim: true }).then(
        (found) => found.map((a) => ({ address: a.address, family: a.family as 4 | 6 })),
        (err: Error) => {
          throw new OutboundRefused(host, `not resolved (${err.message})`);
        },
      );
  if (addresses.length === 0) throw new OutboundRefused(host, 'not resolved');
  for (const a of addresses) {
    const why = refusal(a.address, port, scope);
    if (why) throw new OutboundRefused(host, literal ? why : `resolves to ${a.address}, ${why}`);
  }
  return addresses[0];
}

/**
 * Options for `http.request` that connect to exactly the checked address of `host` (the Host
 * header still names `host`).
 */
export async function outboundRequestOptions(
  host: string,
  port: number,
  scope: OutboundScope = {},
): Promise<http.RequestOptions> {
  const checked = await assertOutboundAllowed(host, port, scope);
  const lookup: net.LookupFunction = (_name, opts, callback) => {
    if (opts.all) callback(null, [checked]);
    else callback(null, checked.address, checked.family);
  };
  return { host, port, lookup, family: checked.family };
}

export interface OutboundGetOptions {
  scope?: OutboundScope;
  /** The whole exchange (resolution included) must finish within this. */
  timeoutMs: number;
  /** A longer answer is an error: a tenant's destination must not fill the server's memory. */
  maxBytes: number;
  headers?: http.OutgoingHttpHeaders;
}

/**
 * `GET http://host:port/path` under the outbound rule, without following redirects (a redirect
 * could point anywhere). Resolves with the status and body; rejects when refused, unreachable,
 * too slow or too long.
 */
export async function outboundGet(
  host: string,
  port: number,
  path: string,
  opts: OutboundGetOptions,
): Promise<{ status: number; body: string }> {
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const aborted = new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(new Error(`no answer within ${opts.timeoutMs} ms`))),
  );
  aborted.catch(() => {});
  const options = await Promise.race([outboundRequestOptions(host, port, opts.scope), aborted]);
  return Promise.race([
    aborted,
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.get({ ...options, path, headers: opts.headers, signal }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > opts.maxBytes) request.destroy(new Error(`answer longer than ${opts.maxBytes} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      });
      request.on('error', reject);
    }),
  ]);
}
