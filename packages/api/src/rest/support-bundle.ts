/**
 * Support bundle: one tunnel's evidence over a time range as an uncompressed
 * tar, for attaching to a ticket. Operator and up (it exports traffic);
 * every download is audited. The files are a table (SUPPORT_BUNDLE_FILES),
 * in the order they appear in the tar.
 *
 * Secrets never appear: the config is redacted by the engine, every text
 * file passes the server's secret guard, and session keys are not included
 * (exporting keys stays a separate admin action).
 */
import { Type, type Static } from '@sinclair/typebox';

/** Longest range one bundle covers. */
export const SUPPORT_BUNDLE_MAX_RANGE_MS = 7 * 24 * 3_600_000;
/** Range when `from` is not given: this long before `to`. */
export const SUPPORT_BUNDLE_DEFAULT_RANGE_MS = 3_600_000;

export const SUPPORT_BUNDLE_FILES = [
  { name: 'README.txt', description: 'What is inside, who made it and when, server version, tunnel, peer and time range' },
  { name: 'config.json', description: 'The running config with secrets redacted, and its version' },
  { name: 'events.jsonl', description: "Stored events of the tunnel and its peer in the range, oldest first, one JSON object per line" },
  { name: 'findings.json', description: 'Current diagnosis findings for the tunnel, with evidence event and datagram ids' },
  { name: 'snoop.txt', description: 'Brief snoop line of every stored datagram of the tunnel and its peer in the range, oldest first' },
  { name: 'capture.pcap', description: 'The same datagrams as a pcap file (nanosecond, LINKTYPE_RAW)' },
  { name: 'stats.txt', description: 'The `ike -stat` table at the time the bundle was made' },
  { name: 'flows.txt', description: 'The flow table as `flow -show -verbose` prints it, at the time the bundle was made (at most 10,000 flows)' },
  { name: 'dataplane.json', description: 'Data-plane counters (drops by reason, ESP errors, keep-alive) and interfaces at the time the bundle was made' },
  { name: 'certificates.json', description: 'The certificate cache (certificates, CRLs) and the certificate directory; public data only, never a private key' },
] as const;

export type SupportBundleFileName = (typeof SUPPORT_BUNDLE_FILES)[number]['name'];

export const SupportBundleQuery = Type.Object(
  {
    tunnel: Type.String({ minLength: 1, maxLength: 200, description: 'Tunnel name in the running config' }),
    from: Type.Optional(Type.Integer({ minimum: 0, description: `ms since epoch, inclusive (default: \`to\` minus ${SUPPORT_BUNDLE_DEFAULT_RANGE_MS / 60_000} minutes)` })),
    to: Type.Optional(Type.Integer({ minimum: 0, description: 'ms since epoch, inclusive (default: now)' })),
  },
  { additionalProperties: false },
);
export type SupportBundleQuery = Static<typeof SupportBundleQuery>;
