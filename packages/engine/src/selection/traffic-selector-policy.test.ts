import { describe, expect, it } from 'vitest';
import { parseCidr, type IpNetwork } from '../config/ip-address.ts';
import { applyResponderPolicy, evaluateProposedSelectorsAsResponder } from './traffic-selector-policy.ts';
import { describeSelector, trafficSelectorForNetwork, type TrafficSelector } from './traffic-selectors.ts';

function network(text: string): IpNetwork {
  const parsed = parseCidr(text);
  if (parsed === undefined) throw new Error(text);
  return parsed.network;
}
const ts = (text: string): TrafficSelector => trafficSelectorForNetwork(network(text));

/**
 * Seed 13.6.7. Side A: local 192.168.10.0/24, remote 10.10.10.0/24.
 * Side B: local 10.10.10.0/24, remote 192.168.10.0/16 (= 192.168.0.0/16).
 * The initiator proposes TSi = its local network, TSr = its remote network.
 */
const sideA = { local: [network('192.168.10.0/24')], remote: [network('10.10.10.0/24')] };
const sideB = { local: [network('10.10.10.0/24')], remote: [network('192.168.10.0/16')] };
const proposalFromA = { tsi: [ts('192.168.10.0/24')], tsr: [ts('10.10.10.0/24')] };
const proposalFromB = { tsi: [ts('10.10.10.0/24')], tsr: [ts('192.168.10.0/16')] };

describe('responder policy on proposed networks: the seed\'s example', () => {
  it('strict: A initiating towards B works (A\'s network is inside B\'s remote network)', () => {
    const verdict = evaluateProposedSelectorsAsResponder('strict', sideB, proposalFromA);
    expect(verdict).toMatchObject({ outcome: 'accepted', fit: 'inside' });
    if (verdict.outcome === 'accepted') {
      expect(verdict.tsi.map(describeSelector)).toEqual(['192.168.10.0/24']);
      expect(verdict.tsr.map(describeSelector)).toEqual(['10.10.10.0/24']);
    }
  });

  it('strict: B initiating towards A is refused with TS_UNACCEPTABLE (B\'s remote network is larger)', () => {
    const verdict = evaluateProposedSelectorsAsResponder('strict', sideA, proposalFromB);
    expect(verdict).toEqual({
      outcome: 'refused',
      notify: 'TS_UNACCEPTABLE',
      reason: 'TSr: proposed 192.168.0.0/16 is larger than the configured 192.168.10.0/24 (strict policy accepts only equal or smaller networks)',
    });
  });

  it('narrow: B initiating towards A is narrowed to A\'s network', () => {
    const verdict = evaluateProposedSelectorsAsResponder('narrow', sideA, proposalFromB);
    expect(verdict).toMatchObject({ outcome: 'accepted', fit: 'narrowed' });
    if (verdict.outcome === 'accepted') expect(verdict.tsr.map(describeSelector)).toEqual(['192.168.10.0/24']);
  });

  it('both policies refuse networks that do not overlap', () => {
    for (const policy of ['strict', 'narrow'] as const) {
      const verdict = evaluateProposedSelectorsAsResponder(policy, sideA, { tsi: [ts('10.10.10.0/24')], tsr: [ts('172.16.0.0/24')] });
      expect(verdict.outcome).toBe('refused');
      if (verdict.outcome === 'refused') expect(verdict.reason).toContain('does not overlap');
    }
  });
});

describe('applyResponderPolicy', () => {
  const range = (start: string, end: string, protocol = 0, startPort = 0, endPort = 65_535): TrafficSelector => ({
    startAddress: start,
    endAddress: end,
    protocol,
    startPort,
    endPort,
  });

  it('accepts a host and a port range inside the network as proposed', () => {
    const verdict = applyResponderPolicy('strict', [ts('10.0.0.0/24')], [range('10.0.0.5', '10.0.0.5', 17, 500, 500), range('10.0.0.8', '10.0.0.20')]);
    expect(verdict).toMatchObject({ outcome: 'accepted', fit: 'inside' });
    if (verdict.outcome === 'accepted') expect(verdict.selectors.map(describeSelector)).toEqual(['10.0.0.5/32 proto 17 port 500', '10.0.0.8-10.0.0.20']);
  });

  it('narrows ranges and ports that stick out', () => {
    const verdict = applyResponderPolicy('narrow', [range('10.0.0.0', '10.0.0.255', 6, 80, 443)], [range('9.255.255.0', '10.0.0.9', 0, 0, 65_535)]);
    expect(verdict).toMatchObject({ outcome: 'accepted', fit: 'narrowed' });
    if (verdict.outcome === 'accepted') expect(verdict.selectors).toEqual([range('10.0.0.0', '10.0.0.9', 6, 80, 443)]);
  });

  it('works with IPv6 ranges and never mixes families', () => {
    expect(applyResponderPolicy('strict', [ts('2001:db8::/32')], [ts('2001:db8:1::/48')])).toMatchObject({ outcome: 'accepted', fit: 'inside' });
    expect(applyResponderPolicy('narrow', [ts('2001:db8::/32')], [ts('2001::/16')])).toMatchObject({ outcome: 'accepted', fit: 'narrowed' });
    expect(applyResponderPolicy('narrow', [ts('10.0.0.0/8')], [ts('2001::/16')]).outcome).toBe('refused');
  });

  it('refuses a different protocol and malformed selectors', () => {
    expect(applyResponderPolicy('narrow', [range('10.0.0.0', '10.0.0.255', 6)], [range('10.0.0.0', '10.0.0.255', 17)]).outcome).toBe('refused');
    expect(applyResponderPolicy('strict', [ts('10.0.0.0/8')], [range('10.0.0.9', '10.0.0.1')])).toMatchObject({
      outcome: 'refused',
      reason: 'proposed selector is malformed: start address is above the end address',
    });
  });

  it('picks the network pair that fits best', () => {
    const verdict = evaluateProposedSelectorsAsResponder(
      'strict',
      { local: [network('10.10.10.0/24')], remote: [network('192.168.0.0/16'), network('192.168.10.0/24')] },
      proposalFromA,
    );
    expect(verdict).toMatchObject({ outcome: 'accepted', fit: 'exact', pairIndex: 1 });
  });
});
