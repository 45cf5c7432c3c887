/**
 * The data plane over REST: the flow table (`flow -show` as data), packet
 * traces, pings through tunnels, interfaces and data-plane counters.
 *
 * Flow filters are the firewall's `flow -show` filters, with the same
 * names as query parameters: `destiface`, `srciface`, `proto`, `srcip`,
 * `destip`, `srcport`, `destport`. They combine (AND). Sorting and paging
 * happen on the server (`sort`, `order`, `offset`, `limit`).
 */
import { Type, type Static } from '@sinclair/typebox';

export const FlowProtocolName = Type.String({ description: '"ESP", "ICMP", "UDP", "TCP" or the IP protocol number' });

export const FlowEndpointView = Type.Object({
  interface: Type.String({ description: 'Interface name (ext, core, int, mgm, or a tunnel name)' }),
  interfaceNumber: Type.Integer({ description: 'Interface index the flow table keeps (shown as "core(0)" in -verbose)' }),
  address: Type.String(),
  port: Type.Optional(Type.Integer({ description: 'UDP/TCP port; ICMP: type<<8|code on the source side, echo identifier on the destination side' })),
  spi: Type.Optional(Type.String({ description: 'ESP: the SPI as 0x%08x, in place of a port' })),
});
export type FlowEndpointView = Static<typeof FlowEndpointView>;

export const FlowDirectionView = Type.Object({ source: FlowEndpointView, destination: FlowEndpointView });
export type FlowDirectionView = Static<typeof FlowDirectionView>;

export const FlowView = Type.Object({
  id: Type.String(),
  protocol: FlowProtocolName,
  protocolNumber: Type.Integer(),
  source: FlowEndpointView,
  destination: FlowEndpointView,
  reverse: FlowDirectionView,
  timeoutSeconds: Type.Number({ description: 'Seconds left until the flow expires (at `time`)' }),
  expiresAt: Type.Number({ description: 'ms since epoch' }),
  createdAt: Type.Number(),
  lastSeenAt: Type.Number(),
  packets: Type.Integer({ description: 'Forward direction' }),
  bytes: Type.Integer(),
  reversePackets: Type.Integer(),
  reverseBytes: Type.Integer(),
  rule: Type.Optional(Type.String({ description: 'The IP rule that allowed the flow' })),
  tunnel: Type.Optional(Type.String({ description: 'Tunnel the flow enters or leaves through' })),
  childSaId: Type.Optional(Type.String({ description: 'ESP flows: the CHILD_SA that owns the SPI' })),
});
export type FlowView = Static<typeof FlowView>;

export const FlowSortKey = Type.Union([
  Type.Literal('protocol'),
  Type.Literal('source'),
  Type.Literal('destination'),
  Type.Literal('timeout'),
  Type.Literal('created'),
  Type.Literal('lastSeen'),
  Type.Literal('packets'),
  Type.Literal('bytes'),
]);
export type FlowSortKey = Static<typeof FlowSortKey>;

export const FlowQuery = Type.Object(
  {
    destiface: Type.Optional(Type.String({ maxLength: 64 })),
    srciface: Type.Optional(Type.String({ maxLength: 64 })),
    proto: Type.Optional(Type.String({ maxLength: 16, description: 'Name (esp, icmp, udp, tcp) or number' })),
    srcip: Type.Optional(Type.String({ maxLength: 64, description: 'Address or CIDR' })),
    destip: Type.Optional(Type.String({ maxLength: 64, description: 'Address or CIDR' })),
    srcport: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    destport: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    sort: Type.Optional(FlowSortKey),
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);
export type FlowQuery = Static<typeof FlowQuery>;

/** GET /flows: the FlowQuery plus presentation switches (not passed to the data plane). */
export const FlowListQuery = Type.Object(
  {
    ...FlowQuery.properties,
    text: Type.Optional(
      Type.Union([Type.Literal('1'), Type.Literal('0'), Type.Literal('true'), Type.Literal('false')], {
        description: '1: add the `flow -show` text of the page',
      }),
    ),
    verbose: Type.Optional(
      Type.Union([Type.Literal('1'), Type.Literal('0'), Type.Literal('true'), Type.Literal('false')], {
        description: 'With text=1: the `flow -show -verbose` layout (reverse flows, interface numbers)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type FlowListQuery = Static<typeof FlowListQuery>;

export const FlowIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

export const FlowPage = Type.Object({
  time: Type.Number({ description: 'Engine clock when the page was read' }),
  total: Type.Integer({ description: 'Flows matching the filter' }),
  offset: Type.Integer(),
  flows: Type.Array(FlowView),
  text: Type.Optional(Type.String({ description: '`flow -show` text of this page (when ?text=1)' })),
});
export type FlowPage = Static<typeof FlowPage>;

/** What one packet would hit, or why it would be dropped. */
export const TraceRequest = Type.Object(
  {
    sourceInterface: Type.String({ description: 'Where the packet arrives: an interface or tunnel name' }),
    protocol: Type.String({ description: 'icmp, udp, tcp or a number' }),
    source: Type.String(),
    destination: Type.String(),
    sourcePort: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    destinationPort: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  },
  { additionalProperties: false },
);
export type TraceRequest = Static<typeof TraceRequest>;

export const TraceStep = Type.Object({
  stage: Type.Union([
    Type.Literal('flow'),
    Type.Literal('route'),
    Type.Literal('rule'),
    Type.Literal('local'),
    Type.Literal('selector'),
    Type.Literal('sa'),
    Type.Literal('host'),
    Type.Literal('drop'),
  ]),
  ok: Type.Boolean(),
  text: Type.String({ description: 'What happened at this stage, in operator words' }),
  detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export type TraceStep = Static<typeof TraceStep>;

export const TraceResult = Type.Object({
  verdict: Type.Union([Type.Literal('forward'), Type.Literal('local'), Type.Literal('drop')]),
  /** The rule that decided (allowed or dropped); absent when no rule matched (default drop). */
  rule: Type.Optional(Type.String()),
  route: Type.Optional(Type.Object({ network: Type.String(), interface: Type.String(), gateway: Type.String(), metric: Type.Integer() })),
  destinationInterface: Type.Optional(Type.String()),
  tunnel: Type.Optional(Type.String()),
  childSaId: Type.Optional(Type.String()),
  spi: Type.Optional(Type.String()),
  dropReason: Type.Optional(Type.String({ description: 'Stable code, e.g. no_route, rule_drop, no_matching_rule, no_sa, ts_mismatch' })),
  steps: Type.Array(TraceStep),
  text: Type.String({ description: 'The trace as console text' }),
});
export type TraceResult = Static<typeof TraceResult>;

export const PingRequest = Type.Object(
  {
    destination: Type.String({ description: 'Address behind (or on) the other gateway' }),
    source: Type.Optional(Type.String({ description: 'Source address: a simulated host or one of the gateway\'s own addresses; default: chosen by route' })),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 4 })),
    payloadBytes: Type.Optional(Type.Integer({ minimum: 0, maximum: 1400, default: 56 })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 30_000, default: 1000 })),
  },
  { additionalProperties: false },
);
export type PingRequest = Static<typeof PingRequest>;

export const PingReply = Type.Object({
  sequence: Type.Integer(),
  ok: Type.Boolean(),
  rttMs: Type.Optional(Type.Number()),
  from: Type.Optional(Type.String()),
  ttl: Type.Optional(Type.Integer()),
  error: Type.Optional(Type.String({ description: 'Why no reply: the drop reason with its rule, or "timeout"' })),
});
export const PingResult = Type.Object({
  source: Type.String(),
  destination: Type.String(),
  sent: Type.Integer(),
  received: Type.Integer(),
  replies: Type.Array(PingReply),
  text: Type.String({ description: 'Console output: one line per reply and the summary' }),
});
export type PingResult = Static<typeof PingResult>;

export const InterfaceView = Type.Object({
  name: Type.String(),
  index: Type.Integer(),
  kind: Type.Union([Type.Literal('ethernet'), Type.Literal('core'), Type.Literal('tunnel')]),
  addresses: Type.Array(Type.String()),
  packetsIn: Type.Integer(),
  packetsOut: Type.Integer(),
  bytesIn: Type.Integer(),
  bytesOut: Type.Integer(),
  drops: Type.Integer(),
});
export type InterfaceView = Static<typeof InterfaceView>;

export const DataPlaneCounters = Type.Object({
  flows: Type.Integer({ description: 'Flows in the table now' }),
  flowsCreated: Type.Integer(),
  flowsExpired: Type.Integer(),
  packetsForwarded: Type.Integer(),
  packetsDelivered: Type.Integer({ description: 'To the gateway itself (core)' }),
  packetsDropped: Type.Integer(),
  dropsByReason: Type.Record(Type.String(), Type.Integer()),
  espIn: Type.Integer(),
  espOut: Type.Integer(),
  espErrors: Type.Record(Type.String(), Type.Integer(), { description: 'unknown_spi, integrity, replay, padding, ...' }),
  keepAlive: Type.Array(
    Type.Object({
      tunnel: Type.String(),
      sent: Type.Integer(),
      received: Type.Integer(),
      lost: Type.Integer(),
      renegotiations: Type.Integer({ description: 'Times keep-alive renegotiated the tunnel (keepAlive.renegotiateAfterLost)' }),
      lastReplyAt: Type.Optional(Type.Number()),
      state: Type.Union([Type.Literal('ok'), Type.Literal('failing'), Type.Literal('idle')]),
    }),
  ),
});
export type DataPlaneCounters = Static<typeof DataPlaneCounters>;
