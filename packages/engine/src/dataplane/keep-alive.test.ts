/**
 * Keep-alive watches an established tunnel's data path and never brings a
 * tunnel up: two in-memory gateways whose tunnel port answers `hasSa`.
 * While A's tunnel has no CHILD_SA no probe leaves (state idle, nothing
 * lost, no negotiation asked for); once it has one the probes flow and are
 * answered (ok); when the far side stops answering they are lost (failing);
 * when the SA goes away the tunnel is idle again.
 */
import type { GatewayConfigInput } from '@tunnelscope/api';
import { ManualClock } from '@tunnelscope/test-utils';
import { describe, expect, it } from 'vitest';
import { DataPlane } from './data-plane.ts';
import { FakeTunnelPort, buildConfig, collectEvents } from './__tests__/dataplane-fixtures.ts';
import type { TunnelSendResult } from './contract.ts';

/** The fixture port, plus an SA that can be up or down (a down SA refuses to send, as the ESP layer does). */
class SaTunnelPort extends FakeTunnelPort {
  up = false;
  sendAttempts = 0;

  hasSa(): boolean {
    return this.up;
  }

  override send(tunnel: string, packet: Uint8Array): TunnelSendResult {
    this.sendAttempts++;
    if (!this.up) return { ok: false, reason: 'no_sa', detail: `no CHILD_SA of "${tunnel}" is up` };
    return super.send(tunnel, packet);
  }
}

function gateway(side: 'a' | 'b', options: { answerPings: boolean }): GatewayConfigInput {
  const lan = side === 'a' ? '192.168.1' : '192.168.2';
  const peerLan = side === 'a' ? '192.168.2' : '192.168.1';
  return {
    interfaces: [
      { name: 'ext', addresses: [side === 'a' ? '198.51.100.1/24' : '198.51.100.2/24'] },
      { name: 'int', addresses: [`${lan}.1/24`] },
    ],
    ipRules: options.answerPings
      ? [{ action: 'Allow', sourceInterface: 'vpn_tunnel', sourceNetwork: 'all-nets-ip4', destinationInterface: 'core', destinationNetwork: 'all-nets-ip4', service: 'ICMP' }]
      : [],
    tunnels: [
      {
        name: 'vpn_tunnel',
        localNetworks: [`${lan}.0/24`],
        remoteNetworks: [`${peerLan}.0/24`],
        localEndpoint: side === 'a' ? '198.51.100.1' : '198.51.100.2',
        remoteEndpoint: side === 'a' ? '198.51.100.2' : '198.51.100.1',
        ikeProposals: ['aes128-sha256-modp2048'],
        ipsecProposals: ['aes128-sha256'],
        auth: { method: 'psk', psk: { type: 'passphrase', value: 'fixture-only-psk' } },
        ...(side === 'a' ? { keepAlive: { enabled: true, sourceAddress: `${lan}.1`, destinationAddress: `${peerLan}.1`, intervalSeconds: 5 } } : {}),
      },
    ],
  };
}

describe('keep-alive only while the tunnel has a CHILD_SA', () => {
  it('idle without an SA (no probe, nothing lost), ok once up, failing when unanswered, idle again when the SA goes', () => {
    const clock = new ManualClock();
    const portA = new SaTunnelPort();
    const portB = new FakeTunnelPort();
    const a = new DataPlane({ config: buildConfig(gateway('a', { answerPings: true })), clock, tunnels: portA });
    const b = new DataPlane({ config: buildConfig(gateway('b', { answerPings: true })), clock, tunnels: portB });
    portA.peer = { dataPlane: b, tunnel: 'vpn_tunnel' };
    portB.peer = { dataPlane: a, tunnel: 'vpn_tunnel' };
    const events = collectEvents(a);

    clock.advance(30_000);
    expect(a.counters().keepAlive[0]).toMatchObject({ tunnel: 'vpn_tunnel', sent: 0, received: 0, lost: 0, state: 'idle' });
    // Not even an attempt: a send into a tunnel without SA would make the ESP layer negotiate it.
    expect(portA.sendAttempts).toBe(0);
    expect(a.counters().dropsByReason).toEqual({});
    expect(events.filter((event) => event.type === 'dataplane.keepalive')).toEqual([]);

    portA.up = true;
    clock.advance(5_000);
    expect(a.counters().keepAlive[0]).toMatchObject({ sent: 1, received: 1, lost: 0, state: 'ok' });
    expect(events.filter((event) => event.type === 'dataplane.keepalive').map((event) => (event.type === 'dataplane.keepalive' ? event.state : ''))).toEqual(['ok']);

    b.applyConfig(buildConfig(gateway('b', { answerPings: false })));
    clock.advance(20_000);
    expect(a.counters().keepAlive[0]).toMatchObject({ sent: 5, received: 1, state: 'failing' });
    const failing = events.find((event) => event.type === 'dataplane.keepalive' && event.state === 'failing');
    expect(failing).toMatchObject({ tunnel: 'vpn_tunnel', lost: 3, source: '192.168.1.1', destination: '192.168.2.1' });

    portA.up = false;
    const attempts = portA.sendAttempts;
    clock.advance(20_000);
    expect(a.counters().keepAlive[0]).toMatchObject({ sent: 5, lost: 0, state: 'idle' });
    expect(portA.sendAttempts).toBe(attempts);
  });
});

/** An SA port that also takes keep-alive's renegotiation: the SA goes at once, a new one comes when the test says. */
class RenegotiatingPort extends SaTunnelPort {
  readonly renegotiations: { tunnel: string; reason: string }[] = [];

  renegotiate(tunnel: string, reason: string): string {
    this.renegotiations.push({ tunnel, reason });
    this.up = false;
    return 'renegotiating';
  }
}

describe('keep-alive as a tunnel monitor (renegotiateAfterLost)', () => {
  it('asks for a renegotiation after that many lost probes, then waits idle for the new SA and is ok once answered', () => {
    const clock = new ManualClock();
    const portA = new RenegotiatingPort();
    const portB = new FakeTunnelPort();
    const configA = gateway('a', { answerPings: true });
    configA.tunnels![0]!.keepAlive = { enabled: true, sourceAddress: '192.168.1.1', destinationAddress: '192.168.2.1', intervalSeconds: 5, renegotiateAfterLost: 2 };
    const a = new DataPlane({ config: buildConfig(configA), clock, tunnels: portA });
    const b = new DataPlane({ config: buildConfig(gateway('b', { answerPings: false })), clock, tunnels: portB });
    portA.peer = { dataPlane: b, tunnel: 'vpn_tunnel' };
    portB.peer = { dataPlane: a, tunnel: 'vpn_tunnel' };
    const events = collectEvents(a);
    const states = () => events.flatMap((event) => (event.type === 'dataplane.keepalive' ? [event.state] : []));
    portA.up = true;

    clock.advance(10_000);
    expect(portA.renegotiations).toEqual([]);
    clock.advance(5_000);
    // Two lost before the third probe was due: renegotiate (before the 3-probe "failing" mark) and send nothing more.
    expect(portA.renegotiations).toEqual([{ tunnel: 'vpn_tunnel', reason: 'keep-alive 192.168.1.1 -> 192.168.2.1: 2 probes lost in a row (renegotiateAfterLost 2)' }]);
    expect(states()).toEqual(['renegotiating']);
    expect(events.at(-1)).toMatchObject({ type: 'dataplane.keepalive', lost: 2, sent: 2, received: 0, renegotiations: 1 });
    const sent = a.counters().keepAlive[0]!.sent;
    clock.advance(20_000);
    expect(a.counters().keepAlive[0]).toMatchObject({ sent, state: 'idle', lost: 0, renegotiations: 1 });

    b.applyConfig(buildConfig(gateway('b', { answerPings: true })));
    portA.up = true;
    clock.advance(5_000);
    expect(states()).toEqual(['renegotiating', 'ok']);
    expect(a.counters().keepAlive[0]).toMatchObject({ state: 'ok', renegotiations: 1, lost: 0 });
  });
});
