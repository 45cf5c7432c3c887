import { describe, expect, it } from 'vitest';
import type { FlowEndpointView } from '@tunnelscope/api';
import { checkFlowFilters, clockOffsetMs, formatFlowEndpoint, formatFlowSpi, flowSecondsLeft } from './flow-format.ts';

const empty = { destiface: '', srciface: '', proto: '', srcip: '', destip: '', srcport: '', destport: '' };

describe('formatFlowEndpoint', () => {
  it('writes endpoints as flow -show does (seed 13.6.3)', () => {
    const esp: FlowEndpointView = { interface: 'ext', interfaceNumber: 2, address: '53.0.1.2', spi: '0x757d8003' };
    const core: FlowEndpointView = { interface: 'core', interfaceNumber: 0, address: '53.0.0.1' };
    const icmp: FlowEndpointView = { interface: 'ipsec-1', interfaceNumber: 33, address: '192.100.1.9', port: 2048 };
    expect(formatFlowEndpoint(core, false)).toBe('core:53.0.0.1');
    expect(formatFlowEndpoint(core, true)).toBe('core(0):53.0.0.1');
    expect(formatFlowEndpoint(esp, false)).toBe('ext:53.0.1.2:0x757d8003');
    expect(formatFlowEndpoint(icmp, true)).toBe('ipsec-1(33):192.100.1.9:2048');
  });

  it('pads SPIs to eight hex digits and brackets IPv6 addresses before a port', () => {
    expect(formatFlowSpi('0xABC')).toBe('0x00000abc');
    expect(formatFlowEndpoint({ interface: 'ext', interfaceNumber: 1, address: 'fd00::1', port: 500 }, false)).toBe('ext:[fd00::1]:500');
  });
});

describe('live timeouts', () => {
  it('counts down on the gateway clock, corrected by the offset', () => {
    // Server clock 5 s ahead of the browser: request 1000..1200, server read 6100.
    const offset = clockOffsetMs(6100, 1000, 1200);
    expect(offset).toBe(5000);
    expect(flowSecondsLeft(6100 + 7000, 1100, offset)).toBe(7);
    expect(flowSecondsLeft(6100 + 7000, 4100, offset)).toBe(4);
    expect(flowSecondsLeft(6100 + 7000, 60_000, offset)).toBe(0);
  });
});

describe('checkFlowFilters', () => {
  it('accepts the CLI values and names the field of a bad one', () => {
    expect(checkFlowFilters({ ...empty, proto: 'ICMP', srcip: '10.0.0.0/8', destport: '500' })).toEqual({});
    expect(checkFlowFilters({ ...empty, proto: '50' })).toEqual({});
    expect(checkFlowFilters({ ...empty, srcport: '70000', proto: 'gre2', destip: 'core' })).toEqual({
      srcport: 'a port number 0-65535',
      proto: 'esp, icmp, udp, tcp or a protocol number 0-255',
      destip: 'an address or CIDR, e.g. 10.0.0.0/8',
    });
  });
});
