import { describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { closestName, editDistance, jsonPointerToPath, listSchemaIssues } from './schema-issues.ts';
import { EngineEventSchema, SA_LIFECYCLE_EVENT_TYPES } from './events/engine-events.ts';
import { GatewayConfigInputSchema } from './config/gateway-config.ts';

describe('listSchemaIssues', () => {
  it('turns JSON pointers into JSON paths', () => {
    expect(jsonPointerToPath('/tunnels/2/auth/psk/value')).toBe('tunnels[2].auth.psk.value');
    expect(jsonPointerToPath('')).toBe('');
    expect(jsonPointerToPath('/a b/0')).toBe('["a b"][0]');
  });

  it('reports unions of literals with their allowed values', () => {
    const schema = Type.Object({ mode: Type.Union([Type.Literal('a'), Type.Literal('b')]) });
    expect(listSchemaIssues(schema, { mode: 'c' })).toEqual([{ path: 'mode', message: 'expected one of "a", "b", got "c"' }]);
  });

  it('reports a discriminated union against the variant the value names', () => {
    const input = { tunnels: [{ name: 'x', localNetworks: ['a'], remoteNetworks: ['b'], localEndpoint: '', remoteEndpoint: '', ikeProposals: ['p'], ipsecProposals: ['q'], auth: { method: 'certificate', certificate: 'gw' } }] };
    expect(listSchemaIssues(GatewayConfigInputSchema, input)).toEqual([{ path: 'tunnels[0].auth.rootCertificates', message: 'is required' }]);
  });

  it('reports a secret that is neither a string nor the keep marker', () => {
    const input = { tunnels: [{ name: 'x', localNetworks: ['a'], remoteNetworks: ['b'], localEndpoint: '', remoteEndpoint: '', ikeProposals: ['p'], ipsecProposals: ['q'], auth: { method: 'psk', psk: { type: 'hex', value: 1234 } } }] };
    expect(listSchemaIssues(GatewayConfigInputSchema, input)).toEqual([
      { path: 'tunnels[0].auth.psk.value', message: 'expected a string or { set: true }, got number 1234' },
    ]);
  });

  it('suggests the field an unknown one was probably meant to be', () => {
    expect(listSchemaIssues(GatewayConfigInputSchema, { timezone: 'UTC' })).toEqual([{ path: 'timezone', message: 'unknown field; did you mean "timeZone"?' }]);
    expect(listSchemaIssues(GatewayConfigInputSchema, { colour: 'red' })).toEqual([{ path: 'colour', message: 'unknown field' }]);
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('ICPM', 'ICMP')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(closestName('-stats', ['-stat', '-snoop'])).toBe('-stat');
    expect(closestName('xyz', ['-stat'])).toBeUndefined();
  });
});

describe('engine events', () => {
  it('lists every lifecycle event type and validates an event', () => {
    expect(SA_LIFECYCLE_EVENT_TYPES).toHaveLength(14);
    const event = { type: 'ike.sa.up', time: 1, ikeSaId: 'a', tunnel: 'hq', role: 'responder', local: { address: '1.1.1.1', port: 500 }, remote: { address: '2.2.2.2', port: 500 } };
    expect(listSchemaIssues(EngineEventSchema, event)).toEqual([]);
    expect(listSchemaIssues(EngineEventSchema, { ...event, type: 'ike.sa.upp' }).length).toBeGreaterThan(0);
  });
});
