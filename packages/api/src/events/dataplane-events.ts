/**
 * Events of the data plane (ESP, rules, routes, flows, keep-alive, config
 * payloads). Flow deltas go to the `flow` stream topic; drops, ESP errors,
 * keep-alive state and roaming overlap go to `log` with a code.
 */
import { Type, type Static } from '@sinclair/typebox';
import { FlowView } from '../rest/flows.ts';

const base = { time: Type.Number({ description: 'ms since epoch (engine clock)' }) };

export const FlowCreatedEventSchema = Type.Object(
  { type: Type.Literal('flow.created'), ...base, flow: FlowView },
  { additionalProperties: false, description: 'A new flow (connection) entered the flow table.' },
);
export const FlowRemovedEventSchema = Type.Object(
  {
    type: Type.Literal('flow.removed'),
    ...base,
    id: Type.String(),
    reason: Type.Union([Type.Literal('timeout'), Type.Literal('sa_deleted'), Type.Literal('config'), Type.Literal('flush')]),
  },
  { additionalProperties: false, description: 'A flow left the flow table.' },
);

export const PacketDroppedEventSchema = Type.Object(
  {
    type: Type.Literal('dataplane.packet.dropped'),
    ...base,
    code: Type.String({ description: 'no_route, rule_drop, rule_reject, no_matching_rule, no_sa, ts_mismatch, ttl_exceeded, no_host, malformed' }),
    message: Type.String({ description: 'Operator text naming the rule (or the missing rule) or the route' }),
    rule: Type.Optional(Type.String()),
    sourceInterface: Type.String(),
    destinationInterface: Type.Optional(Type.String()),
    protocol: Type.String(),
    source: Type.String(),
    destination: Type.String(),
    sourcePort: Type.Optional(Type.Integer()),
    destinationPort: Type.Optional(Type.Integer()),
    tunnel: Type.Optional(Type.String({ description: 'Tunnel the packet came from or was routed into' })),
    route: Type.Optional(Type.String({ description: 'The route that chose the egress, e.g. "all-nets-ip4 via vpn_tunnel"' })),
  },
  { additionalProperties: false, description: 'The data plane dropped a packet; counted per code.' },
);

export const EspErrorEventSchema = Type.Object(
  {
    type: Type.Literal('dataplane.esp.error'),
    ...base,
    code: Type.Union([
      Type.Literal('unknown_spi'),
      Type.Literal('integrity'),
      Type.Literal('replay'),
      Type.Literal('padding'),
      Type.Literal('length'),
      Type.Literal('truncated'),
    ]),
    spi: Type.String({ description: '0x%08x' }),
    local: Type.Object({ address: Type.String(), port: Type.Integer() }),
    remote: Type.Object({ address: Type.String(), port: Type.Integer() }),
    tunnel: Type.Union([Type.String(), Type.Null()], { description: 'For unknown_spi: the tunnel whose peer sent it, if the address is known' }),
    childSaId: Type.Optional(Type.String()),
    count: Type.Integer({ description: 'How many of this code from this peer so far (events are rate-limited)' }),
    message: Type.String(),
  },
  { additionalProperties: false, description: 'An ESP packet could not be opened.' },
);

export const KeepAliveStateEventSchema = Type.Object(
  {
    type: Type.Literal('dataplane.keepalive'),
    ...base,
    tunnel: Type.String(),
    state: Type.Union([Type.Literal('ok'), Type.Literal('failing'), Type.Literal('renegotiating')], {
      description: 'renegotiating: keepAlive.renegotiateAfterLost probes were lost in a row; the tunnel\'s SAs are deleted and it is negotiated again',
    }),
    source: Type.String(),
    destination: Type.String(),
    sent: Type.Integer(),
    received: Type.Integer(),
    lost: Type.Integer({ description: 'Consecutive probes without a reply' }),
    renegotiations: Type.Optional(Type.Integer({ description: 'Times keep-alive has renegotiated this tunnel since the config was applied' })),
    lastError: Type.Optional(Type.String({ description: 'Drop reason of the last lost probe when known' })),
  },
  { additionalProperties: false, description: 'Keep-alive for a tunnel changed state.' },
);

export const AddressAssignedEventSchema = Type.Object(
  {
    type: Type.Literal('cfg.address.assigned'),
    ...base,
    ikeSaId: Type.String(),
    tunnel: Type.String(),
    address: Type.String(),
    pool: Type.String(),
    dnsServers: Type.Array(Type.String()),
  },
  { additionalProperties: false, description: 'A roaming client got a tunnel address from the pool (CFG_REPLY).' },
);

export const RoamingOverlapEventSchema = Type.Object(
  {
    type: Type.Literal('roaming.address.overlap'),
    ...base,
    ikeSaId: Type.String(),
    tunnel: Type.String(),
    verdict: Type.Union([Type.Literal('overlap'), Type.Literal('no_overlap'), Type.Literal('cannot_verify')]),
    clientLocalAddress: Type.Optional(Type.String()),
    addressSource: Type.Union([Type.Literal('ike_source'), Type.Literal('additional_ip4_address'), Type.Literal('none')]),
    remoteNetwork: Type.Optional(Type.String({ description: 'The network behind us that contains the client\'s local address' })),
    assignedAddress: Type.Optional(Type.String()),
    server: Type.Optional(Type.String({ description: 'The address the client is reaching through the tunnel' })),
    routeCommand: Type.Optional(Type.String({ description: 'Windows route command for the client, computed from the observed addresses' })),
    message: Type.String(),
  },
  { additionalProperties: false, description: 'Seed 13.6.1 roaming-client address duplication check.' },
);

export const DataPlaneEventSchema = Type.Union([
  FlowCreatedEventSchema,
  FlowRemovedEventSchema,
  PacketDroppedEventSchema,
  EspErrorEventSchema,
  KeepAliveStateEventSchema,
  AddressAssignedEventSchema,
  RoamingOverlapEventSchema,
]);
export type DataPlaneEvent = Static<typeof DataPlaneEventSchema>;
export type PacketDroppedEvent = Static<typeof PacketDroppedEventSchema>;
export type EspErrorEvent = Static<typeof EspErrorEventSchema>;
export type RoamingOverlapEvent = Static<typeof RoamingOverlapEventSchema>;
