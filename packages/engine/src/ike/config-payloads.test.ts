import { describe, expect, it } from 'vitest';
import { CfgAttributeType, CfgType, NotifyType, PayloadType, type Payload } from '@tunnelscope/ike';
import { tunnel } from '../gateway/__tests__/two-gateways.ts';
import type { ChildSa } from './ike-sa.ts';
import { additionalIpv4Addresses, clientAuthPayloads, narrowTsiToAddress, readConfigReply } from './config-payloads.ts';
import { notifyPayload } from './wire.ts';

const any4 = { kind: 'ipv4' as const, ipProtocol: 0, startPort: 0, endPort: 65535, startAddress: '0.0.0.0', endAddress: '255.255.255.255' };
const udp53 = { kind: 'ipv4' as const, ipProtocol: 17, startPort: 53, endPort: 53, startAddress: '10.99.0.0', endAddress: '10.99.0.255' };
const other = { kind: 'ipv4' as const, ipProtocol: 0, startPort: 0, endPort: 65535, startAddress: '172.16.0.0', endAddress: '172.16.255.255' };

describe('narrowTsiToAddress (RFC 7296 §2.19)', () => {
  it('narrows each TSi selector containing the address to it, keeps protocol and ports, drops the rest; TSr untouched', () => {
    const tsr: Payload = { type: PayloadType.TSr, selectors: [other] };
    const out = narrowTsiToAddress([{ type: PayloadType.TSi, selectors: [any4, udp53, other] }, tsr], '10.99.0.7');
    expect(out[0]).toEqual({
      type: PayloadType.TSi,
      selectors: [
        { ...any4, startAddress: '10.99.0.7', endAddress: '10.99.0.7' },
        { ...udp53, startAddress: '10.99.0.7', endAddress: '10.99.0.7' },
      ],
    });
    expect(out[1]).toBe(tsr);
  });

  it('leaves TSi as proposed when no selector contains the address', () => {
    const tsi: Payload = { type: PayloadType.TSi, selectors: [other] };
    expect(narrowTsiToAddress([tsi], '10.99.0.7')[0]).toBe(tsi);
  });
});

describe('client side', () => {
  it('CFG_REQUEST asks for ADDR and DNS, TSi becomes 0.0.0.0/0, additional addresses become notifies', () => {
    const config = tunnel({ name: 'vpn', localEndpoint: '172.16.1.10', remoteEndpoint: '10.0.0.2', requestVirtualIp: true, additionalAddresses: ['192.168.1.4', '192.168.2.4'] });
    const child = { offeredTs: { tsi: [other], tsr: [udp53] } } as unknown as ChildSa;
    const sa: Payload = { type: PayloadType.SA, proposals: [] };
    const out = clientAuthPayloads(config, child, [sa, { type: PayloadType.TSi, selectors: [other] }, { type: PayloadType.TSr, selectors: [udp53] }]);
    expect(out.map((p) => p.type)).toEqual([PayloadType.CP, PayloadType.SA, PayloadType.TSi, PayloadType.TSr, PayloadType.NOTIFY, PayloadType.NOTIFY]);
    expect(out[0]).toMatchObject({ cfgType: CfgType.CFG_REQUEST, attributes: [{ type: CfgAttributeType.INTERNAL_IP4_ADDRESS }, { type: CfgAttributeType.INTERNAL_IP4_DNS }] });
    expect(out[2]).toEqual({ type: PayloadType.TSi, selectors: [any4] });
    expect(child.offeredTs).toEqual({ tsi: [any4], tsr: [udp53] });
    expect(additionalIpv4Addresses(out)).toEqual(['192.168.1.4', '192.168.2.4']);
  });

  it('a tunnel without requestVirtualIp sends its offer unchanged', () => {
    const config = tunnel({ name: 'vpn', localEndpoint: '172.16.1.10', remoteEndpoint: '10.0.0.2' });
    const offer: Payload[] = [{ type: PayloadType.TSi, selectors: [other] }];
    expect(clientAuthPayloads(config, {} as ChildSa, offer)).toEqual(offer);
  });

  it('reads a CFG_REPLY; values of the wrong length are ignored', () => {
    const reply: Payload = {
      type: PayloadType.CP,
      cfgType: CfgType.CFG_REPLY,
      attributes: [
        { type: CfgAttributeType.INTERNAL_IP4_ADDRESS, value: Uint8Array.of(10, 99, 0, 3) },
        { type: CfgAttributeType.INTERNAL_IP4_NETMASK, value: Uint8Array.of(255, 255, 255, 255) },
        { type: CfgAttributeType.INTERNAL_IP4_DNS, value: Uint8Array.of(192, 168, 10, 53) },
        { type: CfgAttributeType.INTERNAL_IP4_DNS, value: Uint8Array.of(1, 2, 3) },
      ],
    };
    expect(readConfigReply([reply, notifyPayload(NotifyType.ADDITIONAL_IP4_ADDRESS, Uint8Array.of(1, 2, 3, 4))])).toEqual({
      address: '10.99.0.3',
      netmask: '255.255.255.255',
      dnsServers: ['192.168.10.53'],
    });
    expect(readConfigReply([])).toBeUndefined();
  });
});
