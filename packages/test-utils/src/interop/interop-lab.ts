/**
 * One interop lab per test file: a network namespace of the file's own
 * (shared/notes/strongswan-peer.md's recipe), a real charon and our engine
 * (engine-host.ts) both inside it, and a `reset` that puts both sides into
 * a case's configuration without restarting either process.
 *
 *   namespace tsh-<pid>-<n>-<label>
 *     lo  127.0.0.1  charon  IKE 15500, NAT-T 15501   "side-b" (seed 13.6.7's Side B)
 *     lo  127.0.0.2  engine  IKE 16500, NAT-T 16501   "side-a" (Side A)
 *     va  192.168.10.1/24    Side A's network
 *     vb  10.10.10.1/24      Side B's network: charon's address inside its
 *                            local_ts, so kernel-libipsec installs CHILD_SAs
 *
 * Both gateways use ports other than 500/4500, so charon puts the non-ESP
 * marker on every IKE datagram, reports "remote host is behind NAT" and
 * floats to its NAT-T port after IKE_SA_INIT; our engine follows.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfig, type GatewayEvent } from '@tunnelscope/engine';
import { startCharon, type Charon } from '../charon.ts';
import { parseIkeMessages, type CharonLogLine, type IkeMessageLog } from '../charon-log.ts';
import { createNetns, type Netns } from '../netns.ts';
import { pskGatewayConf } from '../psk-gateway-conf.ts';
import { renderConf, type ConfSection } from '../strongswan-conf.ts';
import type { IkeSaInfo } from '../vici-list.ts';
import { startEngineHost, type EngineHost } from './engine-host.ts';
import type { GatewayConfig, TunnelConfig } from './engine-host-protocol.ts';

export const CHARON = { address: '127.0.0.1', ikePort: 15500, natTPort: 15501, id: 'side-b', network: '10.10.10.0/24' } as const;
export const OURS = { address: '127.0.0.2', ikePort: 16500, natTPort: 16501, id: 'side-a', network: '192.168.10.0/24' } as const;
export const PSK = 's3cret-interop-key';

/** The fields of a tunnel a case sets; everything else takes the config model's defaults. */
export interface TunnelSpec {
  name?: string;
  localNetworks?: string[];
  remoteNetworks?: string[];
  localEndpoint?: string;
  remoteEndpoint?: string;
  remotePort?: number;
  ikeProposals?: string[];
  ipsecProposals?: string[];
  psk?: string;
  localId?: { type: string; value?: string };
  remoteId?: { type: string; value?: string };
  responderPolicy?: 'strict' | 'narrow';
  dpd?: { enabled?: boolean; intervalSeconds?: number; timeoutSeconds?: number };
  ikeLifetimeSeconds?: number;
  ipsecLifetimeSeconds?: number;
}

/** Our tunnel towards charon ("gw"), Side A of seed 13.6.7, with `spec` applied. */
export function tunnelToCharon(spec: TunnelSpec = {}): Record<string, unknown> {
  const { psk, ...rest } = spec;
  return {
    name: 'gw',
    localNetworks: [OURS.network],
    remoteNetworks: [CHARON.network],
    localEndpoint: OURS.address,
    remoteEndpoint: CHARON.address,
    remotePort: CHARON.ikePort,
    ikeProposals: ['aes128gcm16-prfsha256-x25519'],
    ipsecProposals: ['aes128gcm16'],
    localId: { type: 'fqdn', value: OURS.id },
    remoteId: { type: 'fqdn', value: CHARON.id },
    ...rest,
    auth: { method: 'psk', psk: { type: 'passphrase', value: psk ?? PSK } },
  };
}

/**
 * A whole engine config for the lab, validated by the engine's own
 * `validateConfig` (so the cases use configs an operator could load).
 * Retransmits are quick (1 s, 3 tries) so failure cases end fast.
 */
export function ourConfig(tunnels: Array<Record<string, unknown>>): GatewayConfig {
  const result = validateConfig({
    tunnels,
    engine: {
      ikePort: OURS.ikePort,
      natTPort: OURS.natTPort,
      listenAddresses: [OURS.address],
      retransmit: { initialTimeoutMs: 1000, backoff: 1.5, tries: 3 },
    },
  });
  if (!result.ok) throw new Error(`interop lab: our config is invalid:\n${result.errors.map((e) => `${e.path}: ${e.message}`).join('\n')}`);
  return result.config;
}

export interface CharonSpec {
  proposals?: string;
  espProposals?: string;
  psk?: string;
  localTs?: string;
  remoteTs?: string;
  connectionSettings?: ConfSection;
  childSettings?: ConfSection;
}

/** charon's swanctl.conf for the lab: connection "gw", child "net", Side B of seed 13.6.7. */
export function charonConf(spec: CharonSpec = {}): ConfSection {
  return pskGatewayConf({
    localAddress: CHARON.address,
    remoteAddress: OURS.address,
    remotePort: OURS.ikePort,
    localId: CHARON.id,
    remoteId: OURS.id,
    psk: spec.psk ?? PSK,
    proposals: spec.proposals ?? 'aes128gcm16-prfsha256-x25519',
    espProposals: spec.espProposals ?? 'aes128gcm16',
    localTs: spec.localTs ?? CHARON.network,
    remoteTs: spec.remoteTs ?? OURS.network,
    // No automatic rekeying or DPD unless a case asks: nothing happens that the case did not start.
    connectionSettings: { rekey_time: 0, ...spec.connectionSettings },
    childSettings: { rekey_time: 0, ...spec.childSettings },
  });
}

export interface CaseSetup {
  ours: Array<Record<string, unknown>>;
  charon: ConfSection;
}

/** What one case sees: log lines and events since its reset. */
export interface LabCase {
  /** charon's log lines since the reset. */
  charonLines(): CharonLogLine[];
  /** charon's parsed/generating lines since the reset. */
  charonMessages(): IkeMessageLog[];
  /** Waits for a charon log line after the reset. */
  waitForCharon(pattern: RegExp, timeoutMs?: number): Promise<CharonLogLine>;
}

export interface InteropLab {
  netns: Netns;
  charon: Charon;
  engine: EngineHost;
  /**
   * Ends every IKE_SA charon still has (with our old gateway still
   * answering), starts a fresh gateway with `setup.ours`, loads
   * `setup.charon` into charon. Returns the case's view of the logs.
   */
  reset(setup: CaseSetup): Promise<LabCase>;
  charonSas(): Promise<IkeSaInfo[]>;
  close(): Promise<void>;
}

/** Starts the namespace, charon and our engine host in parallel. */
export async function startInteropLab(label: string): Promise<InteropLab> {
  const netns = await createNetns(label);
  let charon: Charon | undefined;
  let engine: EngineHost | undefined;
  try {
    [charon, engine] = await Promise.all([
      startCharon({
        netns,
        name: label,
        ikePort: CHARON.ikePort,
        natTPort: CHARON.natTPort,
        // cfg 2: charon's traffic selector narrowing steps ("config: ..., received: ... => match: ...").
        logLevels: { ike: 2, enc: 1, cfg: 2, net: 1, chd: 1 },
        charonSettings: {
          // Quick retransmits so a refused or unanswered request ends within seconds.
          retransmit_timeout: 1,
          retransmit_base: 1.4,
          retransmit_tries: 2,
        },
        conf: {},
      }),
      startEngineHost({ netns }),
    ]);
  } catch (error) {
    await Promise.allSettled([charon?.stop(), engine?.close()]);
    await netns.destroy();
    throw error;
  }
  const c = charon;
  const e = engine;
  const swanctlConfPath = join(c.dir, 'swanctl', 'swanctl.conf');

  const terminateAll = async (): Promise<void> => {
    for (const sa of await c.listSas()) {
      // Normally our gateway answers the DELETE at once; --force bounds the
      // wait at 1 s for SAs we no longer know (a case that stopped our side).
      await c.swanctl(['--terminate', '--ike-id', String(sa.uniqueId), '--force', '--timeout', '1'], { allowFailure: true });
    }
  };

  return {
    netns,
    charon: c,
    engine: e,
    async reset(setup) {
      await terminateAll();
      writeFileSync(swanctlConfPath, renderConf(setup.charon));
      await Promise.all([e.start(ourConfig(setup.ours)), c.loadAll()]);
      const mark = c.mark();
      return {
        charonLines: () => c.lines.slice(mark),
        charonMessages: () => parseIkeMessages(c.lines.slice(mark)),
        waitForCharon: (pattern, timeoutMs = 10_000) => c.waitForLog(pattern, timeoutMs, mark),
      };
    },
    charonSas: () => c.listSas(),
    async close() {
      await Promise.allSettled([c.stop(), e.close()]);
      await netns.destroy();
    },
  };
}

/** Our snoop lines as `<direction> <summary>`. */
export function ourSnoop(events: readonly GatewayEvent[]): Array<{ direction: 'in' | 'out'; summary: string }> {
  return events.flatMap((e) => (e.type === 'snoop.message' ? [{ direction: e.direction, summary: e.summary }] : []));
}

/**
 * The bonus check: each message's snoop summary on our side against
 * charon's own line for the same message. Our `out` is charon's `parsed`,
 * our `in` is charon's `generating`. Returns both lists in the order each
 * side logged them, as `<sender> <summary>` so the test can compare.
 */
export function pairSnoopWithCharon(
  events: readonly GatewayEvent[],
  charonMessages: readonly IkeMessageLog[],
): { ours: string[]; charon: string[] } {
  const ours = ourSnoop(events).map((s) => `${s.direction === 'out' ? 'engine' : 'charon'}: ${s.summary}`);
  const charon = charonMessages.map(
    (m) => `${m.direction === 'parsed' ? 'engine' : 'charon'}: ${m.exchange} ${m.kind} ${m.messageId} [ ${m.payloads}${m.payloads ? ' ' : ''}]`,
  );
  return { ours, charon };
}

/**
 * `pairSnoopWithCharon` once both logs have caught up: our events arrive
 * over IPC and charon's lines over a pipe, so right after a case's last
 * wait one side may still be a line short. Polls until the two lists are
 * equal or `timeoutMs` passes, then returns the last pair (the test asserts).
 */
export async function settledSnoopPair(engine: EngineHost, c: LabCase, timeoutMs = 3000): Promise<{ ours: string[]; charon: string[] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pair = pairSnoopWithCharon(engine.events, c.charonMessages());
    const same = pair.ours.length === pair.charon.length && pair.ours.every((line, i) => line === pair.charon[i]);
    if (same || Date.now() > deadline) return pair;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export type { TunnelConfig };
