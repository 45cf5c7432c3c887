/**
 * /lab over real HTTP with the real lab: scenarios listed without their
 * configs or keys, started and stopped by operators (audited), the default
 * mix and stop-all, and the lab's activity on the `lab` stream topic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamClientHandle } from '../../../support/harness.ts';
import { eventually, startLabServer, type LabServer } from './lab-server.ts';

interface ScenarioJson {
  id: string;
  running: boolean;
  localTunnel: string;
  peerAddress: string;
  inDefaultMix: boolean;
  run?: { attempts: number; peerTunnelUp: boolean | null };
}

describe('/api/v1/lab (real lab, loopback UDP)', () => {
  let s: LabServer;
  let stream: StreamClientHandle;

  beforeAll(async () => {
    s = await startLabServer('127.0.5.1', 22_000);
    stream = await s.t.connect({ token: s.t.tokens.viewer });
    stream.send({ type: 'subscribe', id: 'lab', topic: 'lab' });
    await stream.waitFor((f) => f.type === 'subscribed' && f.id === 'lab');
  });
  afterAll(async () => {
    await stream?.close();
    await s?.close();
  });

  it('lists the scenarios for viewers: metadata and state, no peer config or key', async () => {
    const { t } = s;
    const r = await t.request('GET', '/api/v1/lab/scenarios', { token: t.tokens.viewer });
    expect(r.status).toBe(200);
    const items = r.json.items as ScenarioJson[];
    expect(items.map((x) => x.id)).toEqual(s.lab.scenarios.map((x) => x.id));
    expect(items.every((x) => !x.running)).toBe(true);
    expect(items.find((x) => x.id === 'healthy-psk')).toMatchObject({ localTunnel: 'vpn_tunnel', peerAddress: '127.0.5.10', kind: 'healthy', initiator: 'peer', peerListens: true });
    expect(r.text).not.toMatch(/"(auth|psk|ikeProposals|ipsecProposals|config)"\s*:/);
    expect(r.text).not.toContain('[redacted]');
    for (const secret of s.secrets) expect(r.text).not.toContain(secret);
  });

  it('starts and stops one scenario for operators (not viewers), audited, with its activity on the stream', async () => {
    const { t } = s;
    expect((await t.request('POST', '/api/v1/lab/scenarios/healthy-psk/start', { token: t.tokens.viewer })).status).toBe(403);
    expect((await t.request('POST', '/api/v1/lab/scenarios/nope/start', { token: t.tokens.operator })).status).toBe(404);

    const started = await t.request('POST', '/api/v1/lab/scenarios/healthy-psk/start', { token: t.tokens.operator });
    expect(started.status).toBe(200);
    expect(started.json).toMatchObject({ id: 'healthy-psk', running: true });
    const frame = await stream.waitFor((f) => f.type === 'event' && f.data.type === 'lab.scenario.started');
    expect(frame.data).toMatchObject({ topic: 'lab', tunnel: 'vpn_tunnel', peer: '127.0.5.10', code: null });

    // The peer initiates on its own; our gateway answers and the tunnel is up on both sides.
    await eventually('vpn_tunnel up', async () => {
      const tunnels = (await t.request('GET', '/api/v1/tunnels', { token: t.tokens.viewer })).json.items as Array<{ name: string; state: string }>;
      return tunnels.find((x) => x.name === 'vpn_tunnel' && x.state === 'up');
    });
    const peerView = await eventually('the peer to see its tunnel up', async () => {
      const items = (await t.request('GET', '/api/v1/lab/scenarios', { token: t.tokens.viewer })).json.items as ScenarioJson[];
      return items.find((x) => x.id === 'healthy-psk' && x.run?.peerTunnelUp === true);
    });
    expect(peerView.run!.attempts).toBeGreaterThanOrEqual(1);
    await stream.waitFor((f) => f.type === 'event' && f.data.type === 'lab.scenario.action' && f.data.event.action === 'peer-initiates');
    const peerEvent = await stream.waitFor((f) => f.type === 'event' && f.data.type === 'lab.peer.event' && f.data.event.peerEvent.type === 'child.sa.up');
    expect(peerEvent.data).toMatchObject({ tunnel: 'vpn_tunnel', peer: '127.0.5.10', text: expect.stringMatching(/^lab peer 127\.0\.5\.10: child\.sa\.up/) });
    // The peers' own snoop lines are not recorded (they mirror ours).
    expect(stream.frames.some((f) => f.type === 'event' && f.data.type === 'lab.peer.event' && f.data.event.peerEvent.type === 'snoop.message')).toBe(false);

    const stopped = await t.request('POST', '/api/v1/lab/scenarios/healthy-psk/stop', { token: t.tokens.operator });
    expect(stopped.json).toMatchObject({ id: 'healthy-psk', running: false });
    await stream.waitFor((f) => f.type === 'event' && f.data.type === 'lab.scenario.stopped');
    // A graceful stop: the peer deleted its SAs.
    await eventually('vpn_tunnel down', async () => {
      const tunnels = (await t.request('GET', '/api/v1/tunnels', { token: t.tokens.viewer })).json.items as Array<{ name: string; state: string }>;
      return tunnels.find((x) => x.name === 'vpn_tunnel' && x.state === 'down');
    });

    const audit = (await t.request('GET', '/api/v1/audit?limit=20', { token: t.tokens.admin })).json.items as Array<{ action: string; target: string }>;
    expect(audit.filter((a) => a.action.startsWith('lab.')).map((a) => `${a.action} ${a.target}`)).toEqual([
      'lab.scenario.stop lab_scenario:healthy-psk',
      'lab.scenario.start lab_scenario:healthy-psk',
    ]);
    // Lab events are history too, on their own topic.
    const history = (await t.request('GET', '/api/v1/events?topic=lab&limit=200', { token: t.tokens.viewer })).json.items as Array<{ type: string }>;
    expect(history.some((e) => e.type === 'lab.scenario.started')).toBe(true);
  });

  it('starts the default mix and stops everything', async () => {
    const { t } = s;
    expect((await t.request('POST', '/api/v1/lab/default-mix', { token: t.tokens.viewer })).status).toBe(403);
    const mix = await t.request('POST', '/api/v1/lab/default-mix', { token: t.tokens.operator });
    expect(mix.status).toBe(200);
    const items = mix.json.items as ScenarioJson[];
    expect(items.filter((x) => x.running).map((x) => x.id)).toEqual(items.filter((x) => x.inDefaultMix).map((x) => x.id));
    const all = await t.request('POST', '/api/v1/lab/stop-all', { token: t.tokens.operator });
    expect(all.status).toBe(200);
    expect((all.json.items as ScenarioJson[]).every((x) => !x.running)).toBe(true);
  });

  it('never shows a pre-shared key of the lab', () => {
    const evidence = s.t.seen.join('\n') + '\n' + s.t.logs.join('');
    for (const secret of s.secrets) expect(evidence.includes(secret), `leaked ${secret}`).toBe(false);
  });
});
