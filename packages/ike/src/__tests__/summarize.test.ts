/**
 * The brief notation against strongSwan's own log lines: the seed's four
 * `ike -snoop` lines (13.6.4) and lines charon 5.9.8 logged on this
 * project's machines. Each message is built, encoded (sealed for the
 * protected exchanges), decoded and then summarized.
 */
import { describe, expect, it } from 'vitest';
import { AuthMethod, CfgType, ExchangeType, IdType, NotifyType, PayloadType, ProtocolId } from '../constants.ts';
import { decodeMessage, encodeMessage, type IkeMessage } from '../message.ts';
import { StrongswanNotifyType } from '../names.ts';
import { notify, notifyData } from '../payloads/notify-payload.ts';
import type { Payload } from '../payloads/payload-chain.ts';
import { makeTransform } from '../payloads/security-association-payload.ts';
import { selectorForRange } from '../payloads/traffic-selector-payload.ts';
import { summarize, summarizePayload } from '../summarize.ts';
import { SK_FIXTURES } from '../test-support/arbitraries.ts';

const fixture = SK_FIXTURES[0]!;
const sk = { suite: fixture.suite, keys: fixture.keys };
const text = (s: string) => new TextEncoder().encode(s);

const saIke: Payload = {
  type: PayloadType.SA,
  proposals: [{ number: 1, protocol: ProtocolId.IKE, spi: new Uint8Array(0), transforms: [makeTransform(1, 20, 128), makeTransform(2, 5), makeTransform(4, 31)] }],
};
const saEsp: Payload = {
  type: PayloadType.SA,
  proposals: [{ number: 1, protocol: ProtocolId.ESP, spi: Uint8Array.of(0xc1, 2, 3, 4), transforms: [makeTransform(1, 20, 128), makeTransform(5, 0)] }],
};
const ke: Payload = { type: PayloadType.KE, group: 31, data: new Uint8Array(32).fill(4) };
const nonce: Payload = { type: PayloadType.NONCE, data: new Uint8Array(32).fill(5) };
const natd = [notifyData.natDetection('source', new Uint8Array(20)), notifyData.natDetection('destination', new Uint8Array(20))];
const idi: Payload = { type: PayloadType.IDi, idType: IdType.FQDN, data: text('side-a') };
const idr: Payload = { type: PayloadType.IDr, idType: IdType.FQDN, data: text('side-b') };
const auth: Payload = { type: PayloadType.AUTH, method: AuthMethod.SHARED_KEY_MIC, data: new Uint8Array(32).fill(6) };
const tsi: Payload = { type: PayloadType.TSi, selectors: [selectorForRange('192.168.10.0', '192.168.10.255')] };
const tsr: Payload = { type: PayloadType.TSr, selectors: [selectorForRange('10.10.10.0', '10.10.10.255')] };

function clear(exchangeType: number, response: boolean, messageId: number, payloads: Payload[]): IkeMessage {
  return {
    header: { initiatorSpi: new Uint8Array(8).fill(1), responderSpi: new Uint8Array(8).fill(response ? 2 : 0), exchangeType, messageId, initiator: !response, response },
    payloads,
  };
}

function sealed(exchangeType: number, response: boolean, messageId: number, payloads: Payload[]): IkeMessage {
  return { ...clear(exchangeType, response, messageId, []), encrypted: { kind: 'sk', state: 'decrypted', payloads } };
}

/** Through the wire and back, as the snoop sees it. */
function viaWire(message: IkeMessage): IkeMessage {
  return decodeMessage(encodeMessage(message, { sk }), { sk });
}

describe('seed 13.6.4 ike -snoop lines', () => {
  it('IKE_SA_INIT request', () => {
    expect(summarize(viaWire(clear(ExchangeType.IKE_SA_INIT, false, 0, [saIke, ke, nonce, ...natd])))).toBe(
      'IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]',
    );
  });
  it('IKE_SA_INIT response', () => {
    expect(summarize(viaWire(clear(ExchangeType.IKE_SA_INIT, true, 0, [saIke, ke, nonce, ...natd, notify(NotifyType.MULTIPLE_AUTH_SUPPORTED)])))).toBe(
      'IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(MULT_AUTH) ]',
    );
  });
  it('IKE_AUTH request', () => {
    const message = sealed(ExchangeType.IKE_AUTH, false, 1, [
      idi,
      auth,
      saEsp,
      tsi,
      tsr,
      notify(NotifyType.INITIAL_CONTACT),
      notify(NotifyType.ESP_TFC_PADDING_NOT_SUPPORTED),
      notify(NotifyType.NON_FIRST_FRAGMENTS_ALSO),
    ]);
    expect(summarize(viaWire(message))).toBe('IKE_AUTH request 1 [ IDi AUTH SA TSi TSr N(INIT_CONTACT) N(ESP_TFC_PAD_N) N(NON_FIRST_FRAG) ]');
  });
  it('IKE_AUTH response', () => {
    const message = sealed(ExchangeType.IKE_AUTH, true, 1, [idr, auth, saEsp, tsi, tsr, notifyData.authLifetime(10800)]);
    expect(summarize(viaWire(message))).toBe('IKE_AUTH response 1 [ IDr AUTH SA TSi TSr N(AUTH_LFT) ]');
  });
});

describe('charon 5.9.8 lines', () => {
  it('parsed IKE_SA_INIT request with fragmentation, hash and redirect support', () => {
    const message = clear(ExchangeType.IKE_SA_INIT, false, 0, [
      saIke,
      ke,
      nonce,
      ...natd,
      notify(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED),
      notifyData.signatureHashAlgorithms([2, 3, 4]),
      notify(NotifyType.REDIRECT_SUPPORTED),
    ]);
    expect(summarize(viaWire(message))).toBe('IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) N(REDIR_SUP) ]');
  });
  it('default IKE_AUTH request', () => {
    const message = sealed(ExchangeType.IKE_AUTH, false, 1, [
      idi,
      notify(NotifyType.INITIAL_CONTACT),
      idr,
      auth,
      saEsp,
      tsi,
      tsr,
      notify(NotifyType.MOBIKE_SUPPORTED),
      notifyData.additionalAddress('192.0.2.7'),
      notifyData.additionalAddress('2001:db8::7'),
      notify(NotifyType.MULTIPLE_AUTH_SUPPORTED),
      notify(NotifyType.EAP_ONLY_AUTHENTICATION),
      notify(NotifyType.IKEV2_MESSAGE_ID_SYNC_SUPPORTED),
    ]);
    expect(summarize(viaWire(message))).toBe(
      'IKE_AUTH request 1 [ IDi N(INIT_CONTACT) IDr AUTH SA TSi TSr N(MOBIKE_SUP) N(ADD_4_ADDR) N(ADD_6_ADDR) N(MULT_AUTH) N(EAP_ONLY) N(MSG_ID_SYN_SUP) ]',
    );
  });
});

describe('strongSwan rendering details', () => {
  it('an SK that was not decrypted prints as E', () => {
    const bytes = encodeMessage(sealed(ExchangeType.IKE_AUTH, true, 1, [idr, auth]), { sk });
    expect(summarize(decodeMessage(bytes))).toBe('IKE_AUTH response 1 [ E ]');
  });
  it('an empty message prints empty brackets', () => {
    expect(summarize(viaWire(sealed(ExchangeType.INFORMATIONAL, false, 2, [])))).toBe('INFORMATIONAL request 2 [ ]');
  });
  it('error answers', () => {
    expect(summarize(clear(ExchangeType.IKE_SA_INIT, true, 0, [notifyData.invalidKePayload(14)]))).toBe('IKE_SA_INIT response 0 [ N(INVAL_KE) ]');
    expect(summarize(clear(ExchangeType.IKE_SA_INIT, true, 0, [notify(NotifyType.NO_PROPOSAL_CHOSEN)]))).toBe(
      'IKE_SA_INIT response 0 [ N(NO_PROP) ]',
    );
    expect(summarize(sealed(ExchangeType.IKE_AUTH, true, 1, [notify(NotifyType.AUTHENTICATION_FAILED)]))).toBe(
      'IKE_AUTH response 1 [ N(AUTH_FAILED) ]',
    );
    expect(summarize(sealed(ExchangeType.CREATE_CHILD_SA, true, 2, [notify(NotifyType.TS_UNACCEPTABLE)]))).toBe(
      'CREATE_CHILD_SA response 2 [ N(TS_UNACCEPT) ]',
    );
  });
  it('notify types strongSwan has no name for print as N((number))', () => {
    expect(summarizePayload(notify(NotifyType.CLONE_IKE_SA_SUPPORTED))).toBe('N((16432))');
    expect(summarizePayload(notify(40000))).toBe('N((40000))');
  });
  it('MS_NOTIFY_STATUS with 4 bytes of data shows the status', () => {
    expect(summarizePayload(notify(StrongswanNotifyType.MS_NOTIFY_STATUS, Uint8Array.of(0, 0, 0x32, 0x07)))).toBe('N(MS_STATUS(12807))');
    expect(summarizePayload(notify(StrongswanNotifyType.MS_NOTIFY_STATUS))).toBe('N(MS_STATUS)');
  });
  it('EAP shows code and method', () => {
    expect(summarizePayload({ type: PayloadType.EAP, message: Uint8Array.of(1, 1, 0, 5, 1) })).toBe('EAP/REQ/ID');
    expect(summarizePayload({ type: PayloadType.EAP, message: Uint8Array.of(2, 1, 0, 6, 23, 0) })).toBe('EAP/RES/AKA');
    expect(summarizePayload({ type: PayloadType.EAP, message: Uint8Array.of(3, 1, 0, 4) })).toBe('EAP/SUCC');
    expect(summarizePayload({ type: PayloadType.EAP, message: Uint8Array.of(1, 1, 0, 12, 254, 0, 0x01, 0x37, 0, 0, 0, 26) })).toBe(
      'EAP/REQ/26-311',
    );
    expect(summarizePayload({ type: PayloadType.EAP, message: Uint8Array.of(1, 1, 0, 5, 99) })).toBe('EAP/REQ/(99)');
  });
  it('CP shows its type prefix and attribute names', () => {
    const cp = (cfgType: number, types: number[]): Payload => ({
      type: PayloadType.CP,
      cfgType,
      attributes: types.map((type) => ({ type, value: new Uint8Array(0) })),
    });
    expect(summarizePayload(cp(CfgType.CFG_REQUEST, [1, 3, 8, 10]))).toBe('CPRQ(ADDR DNS ADDR6 DNS6)');
    expect(summarizePayload(cp(CfgType.CFG_REPLY, [1, 20]))).toBe('CPRP(ADDR PCSCF4)');
    expect(summarizePayload(cp(CfgType.CFG_SET, [999]))).toBe('CPS((999))');
    expect(summarizePayload(cp(CfgType.CFG_ACK, []))).toBe('CP');
  });
  it('other payloads use their short names', () => {
    const others: Payload[] = [
      { type: PayloadType.DELETE, protocol: 1, spiSize: 0, spis: [] },
      { type: PayloadType.VENDOR_ID, data: Uint8Array.of(1) },
      { type: PayloadType.CERT, encoding: 4, data: Uint8Array.of(1) },
      { type: PayloadType.CERTREQ, encoding: 4, authority: new Uint8Array(20) },
      { type: 'unknown', payloadType: 49, critical: false, data: new Uint8Array(0) },
    ];
    expect(others.map(summarizePayload)).toEqual(['D', 'V', 'CERT', 'CERTREQ', 'UNKN(49)']);
  });
  it('exchanges strongSwan does not name print as (number)', () => {
    expect(summarize(clear(ExchangeType.GSA_AUTH, false, 0, []))).toBe('(39) request 0 [ ]');
    expect(summarize(clear(ExchangeType.IKE_INTERMEDIATE, true, 1, []))).toBe('IKE_INTERMEDIATE response 1 [ ]');
  });
});
