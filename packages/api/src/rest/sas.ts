/** IKE SAs, CHILD_SAs and tunnel actions (initiate, rekey, delete). */
import { Type, type Static } from '@sinclair/typebox';

export const EndpointView = Type.Object({ address: Type.String(), port: Type.Integer() });
export type EndpointView = Static<typeof EndpointView>;

export const IkeSaView = Type.Object({
  id: Type.String(),
  tunnel: Type.Union([Type.String(), Type.Null()]),
  state: Type.String({ description: 'Engine state name, e.g. `established`, `connecting`, `rekeying`, `deleting`.' }),
  role: Type.Union([Type.Literal('initiator'), Type.Literal('responder')]),
  local: EndpointView,
  remote: EndpointView,
  spiInitiator: Type.String({ description: 'hex' }),
  spiResponder: Type.String({ description: 'hex' }),
  proposal: Type.Optional(Type.String()),
  establishedAt: Type.Optional(Type.Number()),
  rekeyAt: Type.Optional(Type.Number()),
  expiresAt: Type.Optional(Type.Number()),
  childSaIds: Type.Array(Type.String()),
  nat: Type.Object(
    {
      local: Type.Boolean(),
      remote: Type.Boolean(),
      side: Type.Union([Type.Literal('none'), Type.Literal('local'), Type.Literal('remote'), Type.Literal('both')]),
    },
    { description: 'Which side is behind a NAT, as the NAT-D hashes told (RFC 7296 2.23)' },
  ),
  natTPort: Type.Boolean({ description: 'Moved to the NAT-T port after IKE_SA_INIT' }),
  peerVendorIds: Type.Array(Type.String(), { description: "Peer's vendor ID payloads (hex, or the vendor's name when known)" }),
  peerIdentity: Type.Optional(Type.String()),
  peerCertificate: Type.Optional(Type.String({ description: 'Subject DN of the certificate the peer authenticated with' })),
  virtualIp: Type.Optional(Type.String({ description: 'Roaming client: the tunnel address leased from the pool (CFG_REPLY), or the one we were given' })),
  peerAuthLifetimeSeconds: Type.Optional(Type.Number({ description: "Peer's AUTH_LIFETIME notify" })),
  fragmentation: Type.Boolean({ description: 'Both sides support IKE fragmentation (RFC 7383)' }),
  lastPeerPacketAt: Type.Number({ description: 'ms since epoch of the last packet from the peer' }),
  dpd: Type.Object({
    enabled: Type.Boolean(),
    state: Type.Union([Type.Literal('idle'), Type.Literal('probing'), Type.Literal('dead')]),
    intervalSeconds: Type.Optional(Type.Number()),
  }),
  outstandingRequest: Type.Optional(
    Type.Object({ exchange: Type.String(), messageId: Type.Integer(), transmissions: Type.Integer() }, { description: 'A request still waiting for its response' }),
  ),
});
export type IkeSaView = Static<typeof IkeSaView>;

export const ChildSaView = Type.Object({
  id: Type.String(),
  ikeSaId: Type.String(),
  tunnel: Type.Union([Type.String(), Type.Null()]),
  state: Type.String(),
  spiInbound: Type.String({ description: 'hex' }),
  spiOutbound: Type.String({ description: 'hex' }),
  localTs: Type.Array(Type.String()),
  remoteTs: Type.Array(Type.String()),
  proposal: Type.Optional(Type.String()),
  establishedAt: Type.Optional(Type.Number()),
  expiresAt: Type.Optional(Type.Number()),
  bytesIn: Type.Optional(Type.Number()),
  bytesOut: Type.Optional(Type.Number()),
  packetsIn: Type.Optional(Type.Number({ description: 'ESP packets received on this CHILD_SA' })),
  packetsOut: Type.Optional(Type.Number({ description: 'ESP packets sent on this CHILD_SA' })),
});
export type ChildSaView = Static<typeof ChildSaView>;

export const IkeSaList = Type.Object({ items: Type.Array(IkeSaView) });
export type IkeSaList = Static<typeof IkeSaList>;
export const ChildSaList = Type.Object({ items: Type.Array(ChildSaView) });
export type ChildSaList = Static<typeof ChildSaList>;

export const TunnelStatusView = Type.Object({
  name: Type.String(),
  state: Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('connecting')]),
  remote: Type.String(),
  ikeSaCount: Type.Integer(),
  childSaCount: Type.Integer(),
});
export type TunnelStatusView = Static<typeof TunnelStatusView>;
export const TunnelStatusList = Type.Object({ items: Type.Array(TunnelStatusView) });
export type TunnelStatusList = Static<typeof TunnelStatusList>;

export const SaIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
export type SaIdParams = Static<typeof SaIdParams>;
export const TunnelNameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) });
export type TunnelNameParams = Static<typeof TunnelNameParams>;

export const ActionResponse = Type.Object({
  accepted: Type.Boolean(),
  message: Type.String(),
});
export type ActionResponse = Static<typeof ActionResponse>;
