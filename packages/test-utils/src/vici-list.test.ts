import { describe, expect, it } from 'vitest';
import { parseListSas, parseViciPretty } from './vici-list.ts';

// `swanctl --list-sas --pretty` from strongSwan 5.9.8 on this machine.
const PRETTY = `list-sa event {
  gw {
    uniqueid = 1
    version = 2
    state = ESTABLISHED
    local-host = 127.0.0.1
    local-port = 15501
    local-id = side-a
    remote-host = 127.0.0.2
    remote-port = 16500
    remote-id = C=CH, O=strongSwan, CN=peer
    initiator = yes
    initiator-spi = 360089a08a5250bc
    responder-spi = 5eb64c5e08abeb0e
    nat-remote = yes
    nat-any = yes
    encr-alg = AES_GCM_16
    encr-keysize = 128
    prf-alg = PRF_HMAC_SHA2_256
    dh-group = CURVE_25519
    established = 0
    rekey-time = 13235
    child-sas {
      net-1 {
        name = net
        uniqueid = 1
        reqid = 1
        state = INSTALLED
        mode = TUNNEL
        protocol = ESP
        encap = yes
        spi-in = 4c4e1e18
        spi-out = d873c9f6
        encr-alg = AES_GCM_16
        encr-keysize = 128
        local-ts = [
          192.168.10.0/24
        ]
        remote-ts = [
          10.10.10.0/24
          10.10.20.0/24
        ]
      }
    }
  }
}
list-sas reply {
}
`;

describe('parseListSas', () => {
  it('maps an IKE_SA and its CHILD_SAs', () => {
    const [sa, ...rest] = parseListSas(PRETTY);
    expect(rest).toEqual([]);
    expect(sa).toMatchObject({
      name: 'gw',
      uniqueId: 1,
      state: 'ESTABLISHED',
      localPort: 15501,
      remoteId: 'C=CH, O=strongSwan, CN=peer',
      initiator: true,
      initiatorSpi: '360089a08a5250bc',
      responderSpi: '5eb64c5e08abeb0e',
      encrAlg: 'AES_GCM_16',
      encrKeysize: 128,
      natRemote: true,
    });
    expect(sa?.integAlg).toBeUndefined();
    expect(sa?.childSas).toHaveLength(1);
    expect(sa?.childSas[0]).toMatchObject({
      key: 'net-1',
      name: 'net',
      state: 'INSTALLED',
      encap: true,
      spiIn: '4c4e1e18',
      localTs: ['192.168.10.0/24'],
      remoteTs: ['10.10.10.0/24', '10.10.20.0/24'],
    });
  });

  it('returns nothing for an empty reply', () => {
    expect(parseListSas('list-sas reply {\n}\n')).toEqual([]);
  });

  it('rejects truncated output', () => {
    expect(() => parseViciPretty('list-sa event {\n  gw {\n')).toThrow(/ended inside a section/);
    expect(() => parseViciPretty('garbage')).toThrow(/line 1/);
  });
});
