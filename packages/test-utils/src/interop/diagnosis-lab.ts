/**
 * The lab for diagnosis-accuracy.test.ts: interop-lab.ts's recipe (one
 * network namespace of the file's own, a real charon 5.9.8 and our engine
 * host inside it), with room for randomized variants and a healthy control
 * tunnel beside every scenario tunnel:
 *
 *   lo  127.0.0.1  charon "scenario" connections          IKE 15500
 *   lo  127.0.0.3  charon "control" connection            IKE 15500
 *   lo  127.0.0.2  our engine (all tunnels)                IKE 16500
 *   vb  10.<a>.<b>.1/24 for every network charon may use as its local_ts
 *       (kernel-libipsec needs one of charon's own addresses inside it)
 *
 * charon's side is rendered by `charonConnection`; our side reuses
 * interop-lab.ts's `tunnelToCharon`/`ourConfig`. Nothing of charon's config
 * reaches diagnosis: the test only hands it OUR config, events and SA table.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SnoopMode } from '@tunnelscope/engine';
import { startCharon, type Charon } from '../charon.ts';
import { createNetns, type Netns } from '../netns.ts';
import { renderConf, type ConfSection } from '../strongswan-conf.ts';
import { startEngineHost, type EngineHost } from './engine-host.ts';
import { CHARON, OURS, ourConfig } from './interop-lab.ts';

/** charon's second address: the control connection's endpoint. */
export const CHARON_CONTROL_ADDRESS = '127.0.0.3';

import { seededRng, type Rng } from '../seeded-rng.ts';

export { seededRng, type Rng };

/** One charon connection (with one child) and its secret. */
export interface CharonConnectionSpec {
  connection: string;
  child: string;
  localAddress: string;
  localId: string;
  remoteId: string;
  /** Written as swanctl takes it: a literal string, or `0x...` for a binary (hex) key. */
  secret: string;
  proposals: string;
  espProposals: string;
  localTs: string;
  remoteTs: string;
}

/** swanctl.conf for any number of connections towards our engine (127.0.0.2:16500). */
export function charonSwanctlConf(specs: readonly CharonConnectionSpec[]): ConfSection {
  const connections: Record<string, ConfSection> = {};
  const secrets: Record<string, ConfSection> = {};
  for (const spec of specs) {
    connections[spec.connection] = {
      local_addrs: spec.localAddress,
      remote_addrs: OURS.address,
      remote_port: OURS.ikePort,
      version: 2,
      proposals: spec.proposals,
      // Nothing happens that the case did not start.
      rekey_time: 0,
      local: { auth: 'psk', id: spec.localId },
      remote: { auth: 'psk', id: spec.remoteId },
      children: { [spec.child]: { local_ts: spec.localTs, remote_ts: spec.remoteTs, esp_proposals: spec.espProposals, rekey_time: 0 } },
    };
    secrets[`ike-${spec.connection}`] = { 'id-1': spec.localId, 'id-2': spec.remoteId, secret: spec.secret };
  }
  return { connections, secrets };
}

export interface DiagnosisLab {
  readonly netns: Netns;
  readonly charon: Charon;
  readonly engine: EngineHost;
  /** Networks (10.a.b.0/24) charon holds an address in, distinct second octets, in random order. */
  readonly charonNetworks: readonly string[];
  /** Ends charon's SAs, starts a fresh gateway with `ours`, loads `charon` into charon. */
  reset(ours: Array<Record<string, unknown>>, charon: ConfSection, snoop: SnoopMode): Promise<void>;
  close(): Promise<void>;
}

/** Starts the namespace (with `networkCount` charon networks drawn from `rng`), charon and our engine host. */
export async function startDiagnosisLab(label: string, rng: Rng, networkCount: number): Promise<DiagnosisLab> {
  const seconds = new Set<number>();
  while (seconds.size < networkCount) seconds.add(rng.int(11, 250));
  const charonNetworks = [...seconds].map((a) => `10.${a}.${rng.int(0, 255)}.0/24`);
  const [first, ...rest] = charonNetworks.map((n) => n.replace(/\.0\/24$/, '.1/24'));
  const netns = await createNetns({
    label,
    loopbackAddresses: [`${OURS.address}/8`, `${CHARON_CONTROL_ADDRESS}/8`],
    veths: [{ a: 'va', b: 'vb', aAddress: OURS.network.replace(/\.0\/24$/, '.1/24'), ...(first ? { bAddress: first } : {}) }],
  });
  let charon: Charon | undefined;
  let engine: EngineHost | undefined;
  try {
    for (const address of rest) await netns.exec('ip', ['addr', 'add', address, 'dev', 'vb']);
    [charon, engine] = await Promise.all([
      startCharon({
        netns,
        name: label,
        ikePort: CHARON.ikePort,
        natTPort: CHARON.natTPort,
        logLevels: { ike: 2, enc: 1, cfg: 2, net: 1, chd: 1 },
        charonSettings: { retransmit_timeout: 1, retransmit_base: 1.4, retransmit_tries: 2 },
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
  return {
    netns,
    charon: c,
    engine: e,
    charonNetworks,
    async reset(ours, charonConf, snoop) {
      for (const sa of await c.listSas()) {
        await c.swanctl(['--terminate', '--ike-id', String(sa.uniqueId), '--force', '--timeout', '1'], { allowFailure: true });
      }
      writeFileSync(swanctlConfPath, renderConf(charonConf));
      await Promise.all([e.start(ourConfig(ours), snoop), c.loadAll()]);
    },
    async close() {
      await Promise.allSettled([c.stop(), e.close()]);
      await netns.destroy();
    },
  };
}
