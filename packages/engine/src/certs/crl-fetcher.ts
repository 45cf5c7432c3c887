/**
 * Fetching a CRL over HTTP (RFC 5280 4.2.1.13 distribution point, http://
 * only), the IO shell of revocation checking:
 *
 *   URL --host is an IP literal--> connect
 *       --host is a name--> no DNS servers configured?  -> no_dns_servers
 *                           dns.promises.Resolver + setServers(config.dnsServers)
 *                           resolve4 (then resolve6) fails   -> dns_failure (servers asked, DNS error code)
 *       --> http GET with a lookup that returns the resolved address
 *           refused / timeout / reset / HTTP status != 200   -> unreachable (URL, error)
 *       --> body (DER or PEM CRL)                           -> ok
 *
 * The CRL's signature and contents are judged by the caller. Every step is
 * bounded by `timeoutMs` (default 3 s).
 */
import { promises as dnsPromises } from 'node:dns';
import http from 'node:http';
import { isIP, type LookupFunction } from 'node:net';

export const DEFAULT_CRL_TIMEOUT_MS = 3_000;
/** CRLs larger than this are refused (a misconfigured URL serving something else). */
export const MAX_CRL_BYTES = 10 * 1024 * 1024;

export interface CrlFetchRequest {
  readonly url: string;
  /** "address" or "address:port" ("[v6]:port"), from config.dnsServers. */
  readonly dnsServers: readonly string[];
  readonly timeoutMs: number;
}

export type CrlFetchResult =
  | { readonly ok: true; readonly body: Uint8Array; readonly resolvedAddress: string }
  | {
      readonly ok: false;
      readonly state: 'no_dns_servers' | 'dns_failure' | 'unreachable';
      /** For operators: what failed, naming the URL, the servers asked and the error code. */
      readonly error: string;
      readonly code?: string;
      readonly resolvedAddress?: string;
    };

export type CrlFetcher = (request: CrlFetchRequest) => Promise<CrlFetchResult>;

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout();
      reject(Object.assign(new Error(`no answer within ${ms} ms`), { code: 'ETIMEOUT' }));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

async function resolveHost(host: string, servers: readonly string[], timeoutMs: number): Promise<{ address: string } | { code: string; message: string }> {
  const resolver = new dnsPromises.Resolver({ timeout: Math.max(1, Math.floor(timeoutMs / 2)), tries: 1 });
  resolver.setServers([...servers]);
  let firstError: { code: string; message: string } | undefined;
  for (const query of ['resolve4', 'resolve6'] as const) {
    try {
      const addresses = await withTimeout(resolver[query](host), timeoutMs, () => resolver.cancel());
      if (addresses.length > 0) return { address: addresses[0]! };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'UNKNOWN';
      firstError ??= { code, message: (error as Error).message };
      // A server that does not answer will not answer the AAAA query either.
      if (code === 'ETIMEOUT' || code === 'ECONNREFUSED' || code === 'ECANCELLED') break;
    }
  }
  return firstError ?? { code: 'ENODATA', message: `no address for ${host}` };
}

function httpGet(url: URL, address: string, timeoutMs: number): Promise<{ status: number; body: Uint8Array }> {
  const lookup: LookupFunction = (_hostname, options, callback) => {
    const family = isIP(address);
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
  return new Promise((resolve, reject) => {
    const request = http.get(url, { lookup, timeout: timeoutMs, agent: false, headers: { accept: 'application/pkix-crl, */*' } }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_CRL_BYTES) {
          request.destroy(Object.assign(new Error(`response larger than ${MAX_CRL_BYTES} bytes`), { code: 'ETOOBIG' }));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: new Uint8Array(Buffer.concat(chunks)) }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error(`no response within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
  });
}

/** The default CrlFetcher: node's DNS resolver against the configured servers, then node's http. */
export const fetchCrlOverHttp: CrlFetcher = async ({ url, dnsServers, timeoutMs }) => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, state: 'unreachable', error: `"${url}" is not a URL`, code: 'EINVALIDURL' };
  }
  if (parsed.protocol !== 'http:') {
    return { ok: false, state: 'unreachable', error: `${url}: only http:// CRL distribution points are fetched`, code: 'EPROTOCOL' };
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  let address = host;
  if (isIP(host) === 0) {
    if (dnsServers.length === 0) {
      return { ok: false, state: 'no_dns_servers', error: `cannot resolve "${host}" for ${url}: no DNS servers configured (dnsServers is empty)` };
    }
    const resolved = await resolveHost(host, dnsServers, timeoutMs);
    if ('code' in resolved) {
      return {
        ok: false,
        state: 'dns_failure',
        code: resolved.code,
        error: `cannot resolve "${host}" for ${url}: ${resolved.code} from DNS server(s) ${dnsServers.join(', ')}`,
      };
    }
    address = resolved.address;
  }
  try {
    const response = await httpGet(parsed, address, timeoutMs);
    if (response.status !== 200) {
      return { ok: false, state: 'unreachable', code: `HTTP_${response.status}`, resolvedAddress: address, error: `${url} (${address}) answered HTTP ${response.status}` };
    }
    return { ok: true, body: response.body, resolvedAddress: address };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'UNKNOWN';
    const message = (error as Error).message;
    const detail = message.includes(code) ? message : `${code} ${message}`;
    return { ok: false, state: 'unreachable', code, resolvedAddress: address, error: `${url} (${address}): ${detail}` };
  }
};
