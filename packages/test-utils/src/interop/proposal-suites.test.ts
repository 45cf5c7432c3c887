/**
 * Issue 3 "Proof required": our engine against a real strongSwan 5.9.8, both
 * directions, three suites. Each case asserts on both sides: charon's view
 * (swanctl --list-sas, its parsed/generating lines) and ours (events,
 * `ike -stat` counters, snoop lines), and that our snoop summary of every
 * message is the very text charon logged for it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInterop } from '../require-tool.ts';
import { charonConf, settledSnoopPair, startInteropLab, tunnelToCharon, CHARON, OURS, type InteropLab } from './interop-lab.ts';

interface Suite {
  name: string;
  ike: string;
  esp: string;
  /** What swanctl --list-sas shows for the IKE_SA and the CHILD_SA. */
  charonIke: { encr: string; keysize?: number; integ?: string; prf: string; dh: string };
  charonChild: { encr: string; keysize?: number; integ?: string };
  /** Our proposal text for the IKE SA and the CHILD_SA. */
  oursIke: string;
  oursChild: string;
}

const SUITES: Suite[] = [
  {
    name: 'AES-CBC-256 / HMAC-SHA2-256 / MODP-2048',
    ike: 'aes256-sha256-modp2048',
    esp: 'aes256-sha256',
    charonIke: { encr: 'AES_CBC', keysize: 256, integ: 'HMAC_SHA2_256_128', prf: 'PRF_HMAC_SHA2_256', dh: 'MODP_2048' },
    charonChild: { encr: 'AES_CBC', keysize: 256, integ: 'HMAC_SHA2_256_128' },
    oursIke: 'IKE:aes256-sha256-prfsha256-modp2048',
    oursChild: 'ESP:aes256-sha256-noesn',
  },
  {
    name: 'AES-GCM-16-128 / X25519',
    ike: 'aes128gcm16-prfsha256-x25519',
    esp: 'aes128gcm16',
    charonIke: { encr: 'AES_GCM_16', keysize: 128, prf: 'PRF_HMAC_SHA2_256', dh: 'CURVE_25519' },
    charonChild: { encr: 'AES_GCM_16', keysize: 128 },
    oursIke: 'IKE:aes128gcm16-prfsha256-x25519',
    oursChild: 'ESP:aes128gcm16-noesn',
  },
  {
    name: 'ChaCha20-Poly1305 / ECP-256',
    ike: 'chacha20poly1305-prfsha256-ecp256',
    esp: 'chacha20poly1305',
    // swanctl prints no key size for ChaCha20-Poly1305 (its key length is fixed).
    charonIke: { encr: 'CHACHA20_POLY1305', prf: 'PRF_HMAC_SHA2_256', dh: 'ECP_256' },
    charonChild: { encr: 'CHACHA20_POLY1305' },
    oursIke: 'IKE:chacha20poly1305-prfsha256-ecp256',
    oursChild: 'ESP:chacha20poly1305-noesn',
  },
];

/** A proposal text's transforms as a set: as responder we list them in the peer's order. */
function transformSet(proposal: string | undefined): string[] {
  return (proposal ?? '').replace(/^IKE:/, '').split('-').sort();
}

describeInterop('interop with strongSwan 5.9.8: proposal suites, both directions', ['charon', 'netns'], () => {
  let lab: InteropLab;

  beforeAll(async () => {
    lab = await startInteropLab('suites');
  });

  afterAll(async () => {
    await lab?.close();
  });

  for (const suite of SUITES) {
    for (const initiator of ['engine', 'charon'] as const) {
      it(`${suite.name}: ${initiator} initiates, IKE_SA + CHILD_SA up on both sides`, async () => {
        const c = await lab.reset({
          ours: [tunnelToCharon({ ikeProposals: [suite.ike], ipsecProposals: [suite.esp] })],
          charon: charonConf({ proposals: suite.ike, espProposals: suite.esp }),
        });
        if (initiator === 'engine') {
          expect(await lab.engine.call('initiate', 'gw')).toMatchObject({ ok: true });
        } else {
          await lab.charon.initiate({ child: 'net' });
        }
        await lab.engine.waitFor('child.sa.up');
        await c.waitForCharon(/CHILD_SA net\{\d+\} established/);

        // strongSwan's view.
        const [sa, ...others] = await lab.charonSas();
        expect(others).toEqual([]);
        expect(sa).toMatchObject({
          name: 'gw',
          state: 'ESTABLISHED',
          initiator: initiator === 'charon',
          localId: CHARON.id,
          remoteId: OURS.id,
          remoteHost: OURS.address,
          encrAlg: suite.charonIke.encr,
          prfAlg: suite.charonIke.prf,
          dhGroup: suite.charonIke.dh,
        });
        expect(sa?.encrKeysize).toBe(suite.charonIke.keysize);
        expect(sa?.integAlg).toBe(suite.charonIke.integ);
        const child = sa?.childSas[0];
        expect(child).toMatchObject({ name: 'net', state: 'INSTALLED', encap: true, encrAlg: suite.charonChild.encr });
        expect(child?.encrKeysize).toBe(suite.charonChild.keysize);
        expect(child?.integAlg).toBe(suite.charonChild.integ);
        expect(child?.localTs).toEqual([CHARON.network]);
        expect(child?.remoteTs).toEqual([OURS.network]);

        // Ours: the same SA, seen from the other end.
        const [ike] = await lab.engine.call('listIkeSas');
        expect(ike).toMatchObject({
          tunnel: 'gw',
          state: 'established',
          role: initiator === 'engine' ? 'initiator' : 'responder',
          spiInitiator: sa?.initiatorSpi,
          spiResponder: sa?.responderSpi,
          peerIdentity: `fqdn:${CHARON.id}`,
          // charon's NAT-D hashes cover its non-standard port: it sees us as
          // behind a NAT and floats to its NAT-T port; as initiator we float too.
          nat: { local: false, remote: true, side: 'remote' },
          natTPort: initiator === 'engine',
        });
        expect(transformSet(ike?.proposal)).toEqual(transformSet(suite.oursIke));
        const [ourChild] = await lab.engine.call('listChildSas');
        expect(ourChild).toMatchObject({
          state: 'installed',
          spiInbound: child?.spiOut,
          spiOutbound: child?.spiIn,
          proposal: suite.oursChild,
          localTs: ['192.168.10.0/24'],
          remoteTs: ['10.10.10.0/24'],
        });
        expect(await lab.engine.call('stats')).toMatchObject({
          ikeSasActive: 1,
          ikeNegotiationsDone: 1,
          ikeNegotiationsFailed: 0,
          ipsecSasActive: 1,
          ipsecNegotiationsDone: 1,
          ipsecNegotiationsFailed: 0,
        });
        expect(lab.engine.ofType('log.event').filter((e) => e.severity === 'error')).toEqual([]);

        // Both sides logged the same four messages, in the same words.
        const { ours, charon } = await settledSnoopPair(lab.engine, c);
        const first = initiator === 'engine' ? 'engine' : 'charon';
        const second = initiator === 'engine' ? 'charon' : 'engine';
        expect(ours.map((line) => line.replace(/ \[.*$/, ''))).toEqual([
          `${first}: IKE_SA_INIT request 0`,
          `${second}: IKE_SA_INIT response 0`,
          `${first}: IKE_AUTH request 1`,
          `${second}: IKE_AUTH response 1`,
        ]);
        expect(ours).toEqual(charon);
      });
    }
  }
});
