import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readCapture, splitNonEspMarker } from '@tunnelscope/ike';
import { startCharon, type Charon } from './charon.ts';
import { parseIkeKeys, parseIkeMessages } from './charon-log.ts';
import { isAead, parseProposal, wiresharkEncrName, wiresharkIntegName } from './ike-proposal.ts';
import { createNetns, type Netns } from './netns.ts';
import { capture, type RunningCapture } from './packet-capture.ts';
import { pskGatewayConf } from './psk-gateway-conf.ts';
import { describeInterop } from './require-tool.ts';
import { tsharkDecode } from './tshark.ts';

describeInterop('strongSwan harness: two charons in a namespace', ['netns', 'charon', 'tshark', 'dumpcap'], () => {
  let netns: Netns;
  let a: Charon;
  let b: Charon;
  let pcap: RunningCapture;
  let pcapng: RunningCapture;
  let scratch: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'tsh-harness-test-'));
    netns = await createNetns('harness');
    [pcap, pcapng] = await Promise.all([
      capture({ netns, path: join(scratch, 'harness.pcap') }),
      capture({ netns, path: join(scratch, 'harness.pcapng'), format: 'pcapng' }),
    ]);
    const common = { psk: 's3cret', proposals: 'aes128gcm16-sha256-x25519', espProposals: 'aes128gcm16' };
    [a, b] = await Promise.all([
      startCharon({
        netns,
        name: 'a',
        ikePort: 15500,
        natTPort: 15501,
        logLevels: { ike: 4, enc: 1 },
        conf: pskGatewayConf({
          ...common,
          localAddress: '127.0.0.1',
          remoteAddress: '127.0.0.2',
          remotePort: 16500,
          localId: 'side-a',
          remoteId: 'side-b',
          localTs: '192.168.10.0/24',
          remoteTs: '10.10.10.0/24',
        }),
      }),
      startCharon({
        netns,
        name: 'b',
        ikePort: 16500,
        natTPort: 16501,
        logLevels: { ike: 4, enc: 1 },
        conf: pskGatewayConf({
          ...common,
          localAddress: '127.0.0.2',
          remoteAddress: '127.0.0.1',
          remotePort: 15500,
          localId: 'side-b',
          remoteId: 'side-a',
          localTs: '10.10.10.0/24',
          remoteTs: '192.168.10.0/24',
        }),
      }),
    ]);
    await Promise.all([a.loadAll(), b.loadAll()]);
  });

  afterAll(async () => {
    await Promise.allSettled([a?.stop(), b?.stop(), pcap?.stop(), pcapng?.stop()]);
    await netns?.destroy();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('builds an IKE_SA and a CHILD_SA that both sides list', async () => {
    await a.initiate({ child: 'net' });
    const [sasA, sasB] = await Promise.all([a.listSas(), b.listSas()]);
    expect(sasA).toHaveLength(1);
    expect(sasB).toHaveLength(1);
    const [ikeA, ikeB] = [sasA[0], sasB[0]];
    if (!ikeA || !ikeB) throw new Error('no IKE_SA');
    expect(ikeA.state).toBe('ESTABLISHED');
    expect(ikeB.state).toBe('ESTABLISHED');
    expect(ikeA.initiator).toBe(true);
    expect(ikeB.initiator).toBe(false);
    expect(ikeA.initiatorSpi).toBe(ikeB.initiatorSpi);
    expect(ikeA.responderSpi).toBe(ikeB.responderSpi);
    expect([ikeA.encrAlg, ikeA.encrKeysize, ikeA.prfAlg, ikeA.dhGroup]).toEqual(['AES_GCM_16', 128, 'PRF_HMAC_SHA2_256', 'CURVE_25519']);
    expect(ikeA.localId).toBe('side-a');
    expect(ikeA.remoteId).toBe('side-b');
    const [childA, childB] = [ikeA.childSas[0], ikeB.childSas[0]];
    if (!childA || !childB) throw new Error('no CHILD_SA');
    expect(childA.state).toBe('INSTALLED');
    expect(childB.state).toBe('INSTALLED');
    expect(childA.encap).toBe(true);
    expect(childA.spiIn).toBe(childB.spiOut);
    expect(childA.spiOut).toBe(childB.spiIn);
    expect(childA.localTs).toEqual(['192.168.10.0/24']);
    expect(childB.localTs).toEqual(['10.10.10.0/24']);
    await a.waitForLog(/CHILD_SA net\{\d+\} established/, 5000);
  });

  it('logs the exchange as parsed/generating lines on both sides', () => {
    const messagesA = parseIkeMessages(a.lines);
    const messagesB = parseIkeMessages(b.lines);
    expect(messagesA.map((m) => `${m.direction} ${m.exchange} ${m.kind} ${m.messageId}`)).toEqual([
      'generating IKE_SA_INIT request 0',
      'parsed IKE_SA_INIT response 0',
      'generating IKE_AUTH request 1',
      'parsed IKE_AUTH response 1',
    ]);
    expect(messagesB.map((m) => `${m.direction} ${m.exchange} ${m.kind} ${m.messageId}`)).toEqual([
      'parsed IKE_SA_INIT request 0',
      'generating IKE_SA_INIT response 0',
      'parsed IKE_AUTH request 1',
      'generating IKE_AUTH response 1',
    ]);
    expect(messagesA[0]?.payloads).toBe('SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) N(REDIR_SUP)');
    expect(messagesB[0]?.payloads).toBe(messagesA[0]?.payloads);
    expect(messagesA[0]?.line.ikeSa).toEqual({ name: 'gw', id: 1 });
  });

  it('logs the same ike = 4 key material on both sides', () => {
    const [keysA] = parseIkeKeys(a.lines);
    const [keysB] = parseIkeKeys(b.lines);
    if (!keysA || !keysB) throw new Error('no key material logged');
    expect(keysA.proposal).toBe('IKE:AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE_25519');
    for (const field of ['dhSecret', 'skeyseed', 'skD', 'skEi', 'skEr', 'skPi', 'skPr'] as const) {
      expect(Buffer.from(keysA[field] ?? []).toString('hex'), field).toBe(Buffer.from(keysB[field] ?? []).toString('hex'));
    }
    expect(keysA.skeyseed.length).toBe(32);
    expect(keysA.skEi.length).toBe(20); // AES-128 key + 4-byte GCM salt
    expect(keysA.skAi).toBeUndefined();
  });

  it('captures the exchange (pcap and pcapng agree); tshark decrypts it with the logged keys', async () => {
    const path = await pcap.stop();
    const records = readCapture(readFileSync(path));
    expect(records).toHaveLength(4);
    const [sas] = await a.listSas();
    for (const record of records) {
      const split = splitNonEspMarker(record.payload);
      expect(split.kind).toBe('ike');
      if (split.kind === 'ike') expect(Buffer.from(split.ike.subarray(0, 8)).toString('hex')).toBe(sas?.initiatorSpi);
    }
    expect(records[0]?.src).toEqual({ address: '127.0.0.1', port: 15500 });
    const ng = readCapture(readFileSync(await pcapng.stop()));
    expect(ng.map((r) => Buffer.from(r.payload).toString('hex'))).toEqual(records.map((r) => Buffer.from(r.payload).toString('hex')));
    expect(ng.map((r) => Math.round(r.timestampMs))).toEqual(records.map((r) => Math.round(r.timestampMs)));
    expect(records[2]?.src).toEqual({ address: '127.0.0.1', port: 15501 });

    const [keys] = parseIkeKeys(a.lines);
    if (!keys?.proposal || !sas) throw new Error('no keys');
    const algorithms = parseProposal(keys.proposal);
    expect(isAead(algorithms.encr)).toBe(true);
    const decoded = await tsharkDecode(path, {
      decodeAs: ['udp.port==16500,udpencap'],
      decryptionTable: [
        {
          spiI: sas.initiatorSpi,
          spiR: sas.responderSpi,
          skEi: keys.skEi,
          skEr: keys.skEr,
          encr: wiresharkEncrName(algorithms.encr, algorithms.keySize) ?? '',
          integ: wiresharkIntegName(algorithms.integ) ?? '',
        },
      ],
    });
    expect(decoded.frames).toHaveLength(4);
    expect(decoded.problems).toEqual([]);
    expect(decoded.frames[2]?.text).toContain('Decrypted Data');
    expect(decoded.frames[2]?.text).toContain('Identification Data:side-a');
  });
});
