/**
 * The lab's DNS server: a minimal authoritative responder over UDP
 * (RFC 1035 4.1), copied from @tunnelscope/test-utils (a dev-only package
 * the lab cannot use at run time). It answers A queries for the names in `records`, NOERROR with
 * no answer (NODATA) for other types of a known name, NXDOMAIN for every
 * other name. Bind it to loopback on an ephemeral port and give the engine
 * "127.0.0.1:<port>" as its DNS server.
 *
 *   const dns = await startDnsResponder({ address: '127.0.1.53', records: { 'ca.lab.tunnelscope.test': '127.0.1.80' } });
 *   config.dnsServers = [dns.server];  // "127.0.1.53:40123"
 *   ...
 *   await dns.close();
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv4 } from 'node:net';

export interface DnsResponderOptions {
  /** Loopback address to bind; default 127.0.0.1. */
  readonly address?: string;
  /** Default 0 (ephemeral). */
  readonly port?: number;
  /** name -> IPv4 address; names compare case-insensitively, without a trailing dot. */
  readonly records?: Readonly<Record<string, string>>;
}

export interface DnsQueryLog {
  readonly name: string;
  /** 1 = A, 28 = AAAA, ... */
  readonly type: number;
  /** 0 = NOERROR, 3 = NXDOMAIN. */
  readonly rcode: number;
}

export interface DnsResponder {
  readonly address: string;
  readonly port: number;
  /** "address:port", as config.dnsServers takes it. */
  readonly server: string;
  /** Every query answered, in order. */
  readonly queries: readonly DnsQueryLog[];
  /** Adds, changes or (with undefined) removes a record. */
  setRecord(name: string, ipv4: string | undefined): void;
  close(): Promise<void>;
}

const TYPE_A = 1;
const CLASS_IN = 1;
const RCODE_NXDOMAIN = 3;
const RCODE_FORMERR = 1;

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** The question's name, type and where it ends; undefined if malformed. */
function readQuestion(message: Buffer): { name: string; type: number; end: number } | undefined {
  if (message.length < 12 || message.readUInt16BE(4) < 1) return undefined;
  const labels: string[] = [];
  let at = 12;
  for (;;) {
    if (at >= message.length) return undefined;
    const length = message[at]!;
    if (length === 0) {
      at += 1;
      break;
    }
    if (length > 63 || at + 1 + length > message.length) return undefined; // compression never occurs in a question
    labels.push(message.subarray(at + 1, at + 1 + length).toString('latin1'));
    at += 1 + length;
  }
  if (at + 4 > message.length) return undefined;
  return { name: labels.join('.'), type: message.readUInt16BE(at), end: at + 4 };
}

function answer(query: Buffer, records: ReadonlyMap<string, string>): { response: Buffer; log?: DnsQueryLog } | undefined {
  if (query.length < 12) return undefined;
  const flags = query.readUInt16BE(2);
  if (flags & 0x8000) return undefined; // a response, not a query
  const question = readQuestion(query);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  const opcodeAndRd = flags & 0x7900;
  if (!question) {
    header.writeUInt16BE(0x8000 | 0x0400 | opcodeAndRd | RCODE_FORMERR, 2);
    return { response: header };
  }
  const address = records.get(normaliseName(question.name));
  const rcode = address === undefined ? RCODE_NXDOMAIN : 0;
  const answers = address !== undefined && question.type === TYPE_A ? 1 : 0;
  header.writeUInt16BE(0x8000 | 0x0400 | opcodeAndRd | rcode, 2); // QR, AA
  header.writeUInt16BE(1, 4); // QDCOUNT
  header.writeUInt16BE(answers, 6); // ANCOUNT
  const parts = [header, query.subarray(12, question.end)];
  if (answers === 1) {
    const record = Buffer.alloc(16);
    record.writeUInt16BE(0xc00c, 0); // name: pointer to the question
    record.writeUInt16BE(TYPE_A, 2);
    record.writeUInt16BE(CLASS_IN, 4);
    record.writeUInt32BE(60, 6); // TTL
    record.writeUInt16BE(4, 10);
    address!.split('.').forEach((octet, index) => record.writeUInt8(Number(octet), 12 + index));
    parts.push(record);
  }
  return { response: Buffer.concat(parts), log: { name: question.name, type: question.type, rcode } };
}

export async function startDnsResponder(options: DnsResponderOptions = {}): Promise<DnsResponder> {
  const address = options.address ?? '127.0.0.1';
  const records = new Map<string, string>();
  const setRecord = (name: string, ipv4: string | undefined) => {
    if (ipv4 === undefined) records.delete(normaliseName(name));
    else if (!isIPv4(ipv4)) throw new Error(`DNS record "${name}": "${ipv4}" is not an IPv4 address`);
    else records.set(normaliseName(name), ipv4);
  };
  for (const [name, ipv4] of Object.entries(options.records ?? {})) setRecord(name, ipv4);
  const queries: DnsQueryLog[] = [];
  const socket: Socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
  socket.on('message', (message: Buffer, remote: RemoteInfo) => {
    const result = answer(message, records);
    if (!result) return;
    if (result.log) queries.push(result.log);
    socket.send(result.response, remote.port, remote.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port ?? 0, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const port = socket.address().port;
  return {
    address,
    port,
    server: address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`,
    queries,
    setRecord,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
