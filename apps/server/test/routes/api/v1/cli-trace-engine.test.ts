/**
 * The console's `trace` over POST /api/v1/cli with two real engines on
 * loopback UDP (the server's at 127.0.1.61 with host 192.168.61.10 behind
 * `int`, a peer at 127.0.1.62 with 10.61.0.0/24 behind it): once the
 * CHILD_SA is up, a packet from the host into the tunnel names the rule,
 * the negotiated traffic selectors and the SA's outbound SPI; a protocol
 * the rules do not allow is dropped, naming the rule that is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../../support/harness.ts';
import { startDataPlanePair, type DataPlanePair } from '../../../support/data-plane-pair.ts';

const A = '127.0.1.61';
const B = '127.0.1.62';
const IKE_PORT = 22600 + (process.pid % 200);
const NAT_T_PORT = IKE_PORT + 1000;
const PSK = 'cli-trace-test-psk';
const HOST_A = '192.168.61.10';
const HOST_B = '10.61.0.10';


describe('trace in the console (POST /api/v1/cli, two real engines)', () => {
  let t: TestServer;
  let pair: DataPlanePair | undefined;

  beforeAll(async () => {
    pair = await startDataPlanePair({ ikePort: IKE_PORT, natTPort: NAT_T_PORT, psk: PSK, a: { endpoint: A, network: '192.168.61.0/24', gatewayAddress: '192.168.61.1', host: HOST_A }, b: { endpoint: B, network: '10.61.0.0/24', gatewayAddress: '10.61.0.1', host: HOST_B } });
    ({ t } = pair);
  });
  afterAll(async () => {
    await pair?.close();
  });

  it('names the rule, the traffic selectors and the CHILD_SA with its outbound SPI, as the REST trace does', async () => {
    const line = `trace -srciface=int -proto=icmp -srcip=${HOST_A} -destip=${HOST_B}`;
    const r = await t.request('POST', '/api/v1/cli', { token: t.tokens.operator, body: { command: line } });
    expect(r.status).toBe(200);
    expect(r.json.exitCode).toBe(0);
    const output: string = r.json.output;
    expect(output).toContain('rule out allows it');
    expect(output).toContain('traffic selectors 192.168.61.0/24 === 10.61.0.0/24');
    expect(output.trimEnd().split('\n').at(-1)).toBe('verdict: forward');

    const rest = await t.request('POST', '/api/v1/dataplane/trace', {
      token: t.tokens.operator,
      body: { sourceInterface: 'int', protocol: 'icmp', source: HOST_A, destination: HOST_B },
    });
    expect(rest.json).toMatchObject({ verdict: 'forward', tunnel: 'ab', rule: 'out', spi: expect.stringMatching(/^0x[0-9a-f]{8}$/) });
    expect(output).toContain(`SPI ${rest.json.spi}`);
    expect(output).toBe(`${rest.json.text}\n`);
  });

  it('a protocol no rule allows is dropped, naming the missing rule; bad input is an error naming the option', async () => {
    const dropped = await t.request('POST', '/api/v1/cli', {
      token: t.tokens.operator,
      body: { command: `trace -srciface=int -proto=udp -srcip=${HOST_A} -srcport=5000 -destip=${HOST_B} -destport=53` },
    });
    expect(dropped.json.exitCode).toBe(0);
    expect(dropped.json.output).toContain('no rule allows udp/53 from int to ab');
    expect(dropped.json.output.trimEnd().split('\n').at(-1)).toBe('verdict: drop (no_matching_rule)');

    const bad = await t.request('POST', '/api/v1/cli', { token: t.tokens.operator, body: { command: `trace -srciface=int -proto=udp -srcip=${HOST_A} -destip=${HOST_B}` } });
    expect(bad.json).toMatchObject({ exitCode: 1, output: 'trace -proto=udp needs -destport=<port>\n' });
  });
});
