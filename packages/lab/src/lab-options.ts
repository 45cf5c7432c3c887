/**
 * Where the lab lives and how fast it moves. Every gateway of the lab (the
 * local gateway the lab configures, and one peer gateway per scenario) sits
 * on its own loopback address and uses the same IKE and NAT-T ports:
 *
 *   local gateway   127.0.1.1:10500 / :14500   (localAddress)
 *   scenario peers  127.0.1.10+ :10500 / :14500 (same /24, host 10 + n)
 *
 * Only 127.0.0.0/8 is ever bound: an address outside it is refused here,
 * before any socket exists.
 */
import type { Clock, RetransmitPolicy } from '@tunnelscope/engine';
import { systemClock } from '@tunnelscope/engine';

/** The lab's clocks and intervals; all of them can be shortened for tests. */
export interface LabTiming {
  /** A failing scenario's peer re-initiates this often while its tunnel is not up. */
  retryIntervalMs: number;
  /** Scenarios started together begin this far apart, so their negotiations do not overlap on screen. */
  staggerMs: number;
  /** PFS mismatch: the peer rekeys its CHILD_SA this long after setup (and again every retry interval). */
  pfsRekeyDelayMs: number;
  /** Tunnel down on one side: the peer forgets its SAs (no DELETE) this long after setup. */
  forgetStateAfterMs: number;
  /** Tunnel down on one side: our DPD interval on that tunnel. Must be shorter than the retry interval. */
  oneSidedDpdSeconds: number;
  /** Lifetime mismatch: the peer's IPsec SA lifetime (ours is the default 3600 s). At least 60. */
  peerIpsecLifetimeSeconds: number;
  /** Retransmissions of every lab gateway and of the demo config (RFC 7296 §2.4). */
  retransmit: { initialTimeoutMs: number; backoff: number; tries: number };
  /** Longest a graceful stop waits (real time) for the peer's DELETEs to be answered. */
  stopGraceMs: number;
  /** Ping scenarios: the peer's host pings our gateway this long after setup, and again every interval. */
  pingIntervalMs: number;
}

export const DEFAULT_LAB_TIMING: LabTiming = {
  retryIntervalMs: 15_000,
  staggerMs: 400,
  pfsRekeyDelayMs: 5_000,
  forgetStateAfterMs: 20_000,
  oneSidedDpdSeconds: 5,
  peerIpsecLifetimeSeconds: 60,
  // ~16 s from the first IKE_SA_INIT to "peer not responding" (strongSwan's default takes ~165 s).
  retransmit: { initialTimeoutMs: 2_000, backoff: 1.5, tries: 3 },
  stopGraceMs: 1_000,
  pingIntervalMs: 5_000,
};

export const DEFAULT_LAB_ADDRESSING = {
  localAddress: '127.0.1.1',
  ikePort: 10_500,
  natTPort: 14_500,
  /** Host number of the first scenario peer in the local address's /24. */
  firstPeerHost: 10,
} as const;

export interface LabOptions {
  /** The local gateway's address (loopback). Default 127.0.1.1. */
  localAddress?: string;
  /** IKE port of every lab gateway. Default 10500. */
  ikePort?: number;
  /** NAT-T port of every lab gateway. Default 14500. */
  natTPort?: number;
  /** Clock for the peers and the lab's own timers (tests inject a ManualClock). */
  clock?: Clock;
  timing?: Partial<LabTiming>;
  /**
   * Certificate scenarios. `dnsClient: false` gives our gateway no DNS servers: the
   * "no DNS client" scenario runs, scenarios that resolve a CRL host do not (default true).
   */
  certificates?: { dnsClient?: boolean };
}

export interface ResolvedLabOptions {
  localAddress: string;
  ikePort: number;
  natTPort: number;
  clock: Clock;
  timing: LabTiming;
  certificates: { dnsClient: boolean };
  /** The peer address of scenario site `host` (10 + n). */
  peerAddress(host: number): string;
}

export class LabOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabOptionsError';
  }
}

const IPV4_LOOPBACK = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function resolveLabOptions(options: LabOptions, peerHosts: readonly number[]): ResolvedLabOptions {
  const localAddress = options.localAddress ?? DEFAULT_LAB_ADDRESSING.localAddress;
  const octets = IPV4_LOOPBACK.exec(localAddress);
  if (!octets || octets.slice(1).some((octet) => Number(octet) > 255)) {
    throw new LabOptionsError(`localAddress ${localAddress} is not an IPv4 loopback address (127.0.0.0/8): the lab binds loopback only`);
  }
  const prefix = `127.${octets[1]}.${octets[2]}`;
  const localHost = Number(octets[3]);
  if (peerHosts.includes(localHost)) {
    throw new LabOptionsError(`localAddress ${localAddress} collides with a scenario peer (peers use ${prefix}.${Math.min(...peerHosts)}-${Math.max(...peerHosts)})`);
  }
  const ikePort = options.ikePort ?? DEFAULT_LAB_ADDRESSING.ikePort;
  const natTPort = options.natTPort ?? DEFAULT_LAB_ADDRESSING.natTPort;
  for (const [name, port] of [['ikePort', ikePort], ['natTPort', natTPort]] as const) {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new LabOptionsError(`${name} ${port} is not a UDP port`);
  }
  if (ikePort === natTPort) throw new LabOptionsError(`ikePort and natTPort must differ (both ${ikePort})`);
  const timing: LabTiming = {
    ...DEFAULT_LAB_TIMING,
    ...options.timing,
    retransmit: { ...DEFAULT_LAB_TIMING.retransmit, ...options.timing?.retransmit },
  };
  if (timing.oneSidedDpdSeconds * 1000 >= timing.retryIntervalMs) {
    // The peer's next IKE_SA_INIT carries INITIAL_CONTACT, which clears our stale SA before DPD
    // could meet the unknown SPI: the one-sided symptom would never show.
    throw new LabOptionsError(
      `timing.oneSidedDpdSeconds (${timing.oneSidedDpdSeconds} s) must be shorter than timing.retryIntervalMs (${timing.retryIntervalMs} ms)`,
    );
  }
  if (timing.peerIpsecLifetimeSeconds < 60) throw new LabOptionsError('timing.peerIpsecLifetimeSeconds must be at least 60 (the config minimum)');
  return {
    localAddress,
    ikePort,
    natTPort,
    clock: options.clock ?? systemClock,
    timing,
    certificates: { dnsClient: options.certificates?.dnsClient ?? true },
    peerAddress: (host) => `${prefix}.${host}`,
  };
}

/** The engine's retransmit policy for the lab's retransmit settings. */
export function retransmitPolicyOf(timing: LabTiming): RetransmitPolicy {
  return { timeoutMs: timing.retransmit.initialTimeoutMs, base: timing.retransmit.backoff, tries: timing.retransmit.tries };
}
