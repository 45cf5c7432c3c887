/** One of our tunnels against one peer gateway (the real engine), then diagnosis of our side. */
import type { TunnelConfig } from '@tunnelscope/api';
import { diagnose } from '../diagnose.ts';
import type { DiagnosisInput } from '../model/diagnosis-input.ts';
import type { Finding } from '../model/finding.ts';
import { Lab, makeTunnel, mirrorTunnel } from './lab-bench.ts';

export const US = '192.0.2.10';
export const PEER = '198.51.100.20';

export function ourTunnel(overrides: Partial<TunnelConfig> = {}): TunnelConfig {
  return makeTunnel({ name: 'hq-branch', localEndpoint: US, remoteEndpoint: PEER, ...overrides });
}

export interface PairRun {
  readonly lab: Lab;
  readonly input: DiagnosisInput;
  readonly findings: Finding[];
}

export async function runPair(options: {
  ours: TunnelConfig[];
  peer: TunnelConfig[];
  initiator?: 'us' | 'peer';
  tunnel?: string;
  seed?: string;
  /** Runs after the first initiation (more traffic, time, restarts). */
  then?: (lab: Lab) => void | Promise<void>;
  snoop?: 'off' | 'brief' | 'full';
}): Promise<PairRun> {
  const lab = await Lab.start({
    seed: options.seed ?? 'pair',
    ours: { address: US, tunnels: options.ours, engine: { snoop: { mode: options.snoop ?? 'brief', peer: '' } } },
    peers: [{ address: PEER, tunnels: options.peer }],
  });
  const tunnel = options.tunnel ?? options.ours[options.ours.length - 1]!.name;
  if ((options.initiator ?? 'us') === 'us') lab.gateway.initiate(tunnel);
  else lab.peer(PEER).initiate(options.peer.find((t) => t.remoteEndpoint === US)?.name ?? tunnel);
  lab.settle();
  await options.then?.(lab);
  const input: DiagnosisInput = { config: lab.config, events: [...lab.ourEvents], saState: lab.saState(), now: lab.now() };
  await lab.stop();
  return { lab, input, findings: diagnose(input) };
}

export { mirrorTunnel };
