/**
 * INFORMATIONAL exchanges (RFC 7296 §1.4): DELETE of IKE SAs and CHILD_SAs,
 * liveness checks (DPD: an empty request, §2.4), error notifies outside an
 * exchange (AUTHENTICATION_FAILED after IKE_AUTH, INVALID_SPI), and the
 * unprotected INVALID_IKE_SPI a peer answers when it no longer has the IKE
 * SA (13.6.6 item 3: the tunnel is up on one side only).
 *
 *   DELETE(IKE)      -->  <-- {}               both forget the IKE SA and its CHILD_SAs
 *   DELETE(ESP spis) -->  <-- DELETE(ESP ours)  both forget those CHILD_SAs
 *   {}               -->  <-- {}               DPD: the peer is alive
 *
 *   DPD: [idle] --no packet for interval--> [probing] --answer--> [idle]
 *                                              '--no answer within the timeout--> dead (IKE SA down)
 */
import { ExchangeType, NotifyType, ProtocolId, type IkeMessage, type Payload } from '@tunnelscope/ike';
import type { GatewayCommandResult } from './core-io.ts';
import type { IkeDaemonCore } from './daemon-core.ts';
import { spi32Hex, type ChildSa, type IkeSa, type OutstandingRequest } from './ike-sa.ts';
import { deleteEspPayload, deleteIkePayload, deletesOf, findNotify, notifiesOf, u32Of } from './wire.ts';

// --- initiator ---------------------------------------------------------------------

/** Deletes an IKE SA with the peer (reason reported when done; undefined: part of a rekey). */
export function startDeleteIke(core: IkeDaemonCore, sa: IkeSa, reason: string | undefined): GatewayCommandResult {
  if (sa.state === 'init_sent' || sa.state === 'half_open' || sa.state === 'auth_sent' || !sa.keys) {
    core.destroyIkeSa(sa, reason);
    return { ok: true, ikeSaId: sa.id };
  }
  if (sa.state === 'deleting') return { ok: true, ikeSaId: sa.id };
  if (reason !== undefined && sa.state === 'established') sa.state = 'deleting';
  sa.deleteReason = reason;
  // A DELETE goes before anything queued; the queue dies with the SA.
  sa.queue = [];
  core.sendRequest(sa, ExchangeType.INFORMATIONAL, [deleteIkePayload()], { kind: 'delete_ike' });
  return { ok: true, ikeSaId: sa.id };
}

export function startDeleteChild(core: IkeDaemonCore, child: ChildSa, reason = 'deleted-locally'): GatewayCommandResult {
  const sa = core.ikeSas.get(child.ikeSaId);
  if (!sa || !sa.keys) {
    core.destroyChildSa(child, reason);
    return { ok: true, childSaId: child.id };
  }
  if (child.state === 'installing') return { ok: false, error: `${child.id} is still being negotiated` };
  if (child.state !== 'rekeyed') child.state = 'deleting';
  child.deleteReason = reason;
  core.sendRequest(sa, ExchangeType.INFORMATIONAL, [deleteEspPayload([child.spiIn])], { kind: 'delete_child', childSaIds: [child.id] });
  return { ok: true, childSaId: child.id };
}

/** Sends a liveness check unless something else is already in flight (any answer proves liveness). */
export function startDpd(core: IkeDaemonCore, sa: IkeSa): void {
  const dpd = sa.tunnel?.dpd;
  if (!dpd?.enabled || sa.state !== 'established') return;
  if (sa.outstanding || sa.queue.length > 0) {
    core.scheduleDpd(sa);
    return;
  }
  sa.dpdState = 'probing';
  core.sendRequest(sa, ExchangeType.INFORMATIONAL, [], { kind: 'dpd' }, { deadline: core.now + dpd.timeoutSeconds * 1000 });
}

export function handleInformationalResponse(core: IkeDaemonCore, sa: IkeSa, _message: IkeMessage, _payloads: Payload[], outstanding: OutstandingRequest): void {
  const purpose = outstanding.purpose;
  switch (purpose.kind) {
    case 'dpd':
      sa.dpdState = 'idle';
      core.scheduleDpd(sa);
      return;
    case 'delete_ike':
      core.destroyIkeSa(sa, sa.deleteReason);
      return;
    case 'delete_child':
      for (const id of purpose.childSaIds) {
        const child = core.childSas.get(id);
        if (child) core.destroyChildSa(child, child.state === 'rekeyed' ? undefined : (child.deleteReason ?? 'deleted-locally'));
      }
      return;
    default:
      return;
  }
}

/**
 * The peer answered one of our requests with INVALID_IKE_SPI: it has no such
 * IKE SA any more. We drop ours (13.6.6 item 3).
 */
export function handlePeerLostSa(core: IkeDaemonCore, sa: IkeSa, outstanding: OutstandingRequest, datagramIds: number[]): void {
  const event = core.log('invalid_ike_spi_received', {
    sa,
    messageIds: [outstanding.messageId],
    datagramIds: [...outstanding.datagramIds, ...datagramIds],
    message: `${sa.remote.address} answered INVALID_IKE_SPI: it no longer has IKE SA ${sa.id} ("${sa.tunnel?.name ?? '?'}"), which was up on our side only; removing it here too`,
    evidence: { exchange: outstanding.exchange, purpose: outstanding.purpose.kind },
  });
  core.failOutstanding(sa, outstanding.purpose, event);
  core.destroyIkeSa(sa, 'peer-lost-sa');
}

// --- responder ---------------------------------------------------------------------

export function handleInformationalRequest(core: IkeDaemonCore, sa: IkeSa, message: IkeMessage, payloads: Payload[], datagramIds: number[]): void {
  const header = message.header;
  const deletes = deletesOf(payloads);
  if (deletes.some((d) => d.protocol === ProtocolId.IKE)) {
    core.sendResponse(sa, header, []);
    const reason = sa.state === 'rekeyed' ? undefined : 'deleted-by-peer';
    if (reason) core.info('ike_sa_deleted_by_peer', { sa, message: `${sa.remote.address} deleted IKE SA ${sa.id}`, datagramIds, messageIds: [header.messageId] });
    core.destroyIkeSa(sa, reason);
    return;
  }
  const ourSpis: number[] = [];
  const gone: ChildSa[] = [];
  for (const del of deletes) {
    if (del.protocol !== ProtocolId.ESP && del.protocol !== ProtocolId.AH) continue;
    for (const spiBytes of del.spis) {
      const spi = u32Of(spiBytes);
      const child = core.childByOutboundSpi(sa, spi);
      if (!child) {
        core.log('unknown_child_sa', {
          sa,
          phase: 'ipsec',
          messageIds: [header.messageId],
          datagramIds,
          message: `${sa.remote.address} deletes CHILD_SA SPI ${spi32Hex(spi)}, which we do not have`,
          severity: 'warning',
        });
        continue;
      }
      ourSpis.push(child.spiIn);
      gone.push(child);
    }
  }
  const authFailed = findNotify(payloads, NotifyType.AUTHENTICATION_FAILED);
  const unknownChild = notifiesOf(payloads).find((n) => n.notifyType === NotifyType.INVALID_SPI || n.notifyType === NotifyType.CHILD_SA_NOT_FOUND);
  core.sendResponse(sa, header, ourSpis.length > 0 ? [deleteEspPayload(ourSpis)] : []);
  for (const child of gone) core.destroyChildSa(child, child.state === 'rekeyed' ? undefined : 'deleted-by-peer');
  if (unknownChild) {
    core.log('unknown_child_sa', {
      sa,
      phase: 'ipsec',
      messageIds: [header.messageId],
      datagramIds,
      message: `${sa.remote.address} reports an unknown CHILD_SA (${unknownChild.notifyType === NotifyType.INVALID_SPI ? 'INVALID_SPI' : 'CHILD_SA_NOT_FOUND'}${unknownChild.spi.length === 4 ? ` ${spi32Hex(u32Of(unknownChild.spi))}` : ''})`,
      severity: 'warning',
    });
  }
  if (authFailed) {
    // The initiator could not verify our AUTH after we answered IKE_AUTH.
    core.log('authentication_failed_received', {
      sa,
      phase: 'ike',
      messageIds: [header.messageId],
      datagramIds,
      message: `${sa.remote.address} reports AUTHENTICATION_FAILED: our AUTH did not verify with its key for "${sa.tunnel?.name ?? '?'}" (check the key and its type on both sides)`,
      evidence: { pskTestable: false },
    });
    core.destroyIkeSa(sa, 'peer-authentication-failed');
  }
}
