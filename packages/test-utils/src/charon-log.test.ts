import { describe, expect, it } from 'vitest';
import {
  CharonLogParseError,
  parseCharonLogLine,
  parseChildKeys,
  parseHexDumps,
  parseIkeKeys,
  parseIkeMessageLine,
  parseIkeMessages,
  parsePacketLine,
  splitPayloadNotation,
} from './charon-log.ts';

// Lines as strongSwan 5.9.8 wrote them on this machine (ike = 4, chd = 4, ike_name = yes).
const SAMPLE = `09:53:49.218 04[ENC] <gw|1> generating IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) N(REDIR_SUP) ]
09:53:49.218 04[NET] <gw|1> sending packet: from 127.0.0.1[15500] to 127.0.0.2[16500] (232 bytes)
09:53:49.220 07[NET] <gw|1> received packet: from 127.0.0.2[16500] to 127.0.0.1[15500] (240 bytes)
09:53:49.220 07[ENC] <gw|1> parsed IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) N(CHDLESS_SUP) N(MULT_AUTH) ]
09:53:49.220 07[CFG] <gw|1> selected proposal: IKE:AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE_25519
09:53:49.220 07[IKE] <gw|1> natd_hash => 20 bytes @ 0x7f4cf0003610
09:53:49.220 07[IKE] <gw|1>    0: 50 64 AC 16 09 A3 66 D8 7B 30 7F C6 2A 66 C7 C6  Pd....f.{0..*f..
09:53:49.220 07[IKE] <gw|1>   16: B0 95 C5 16                                      ....
09:53:49.220 07[IKE] <gw|1> shared Diffie Hellman secret => 32 bytes @ 0x7f4cf0002e80
09:53:49.220 07[IKE] <gw|1>    0: 37 B9 75 13 A0 3C 01 EB 4E F9 73 21 FC 14 D7 85  7.u..<..N.s!....
09:53:49.220 07[IKE] <gw|1>   16: F4 7F 78 44 AE 29 A7 63 17 73 15 80 EC 09 20 7F  ..xD.).c.s.... .
09:53:49.221 11[CFG] vici client 1 connected
09:53:49.220 07[IKE] <gw|1> SKEYSEED => 32 bytes @ 0x7f4cf0004ce0
09:53:49.220 07[IKE] <gw|1>    0: CF 86 C4 66 D4 EE D1 8C 90 D2 CA 39 DA 7F 96 9D  ...f.......9....
09:53:49.220 07[IKE] <gw|1>   16: 1B 94 3A B9 6B 95 57 63 13 6C 2C 15 CB 61 DA 66  ..:.k.Wc.l,..a.f
09:53:49.220 07[IKE] <gw|1> Sk_d secret => 32 bytes @ 0x7f4cf0004ce0
09:53:49.220 07[IKE] <gw|1>    0: 1F C5 5F 73 E0 C2 82 86 79 06 DF A6 2E 69 27 43  .._s....y....i'C
09:53:49.220 07[IKE] <gw|1>   16: C8 75 84 0D A4 4F C8 82 70 CA 22 EA 97 12 B8 3C  .u...O..p."....<
09:53:49.220 07[IKE] <gw|1> Sk_ei secret => 20 bytes @ 0x7f4cf0005120
09:53:49.220 07[IKE] <gw|1>    0: B8 65 E1 61 54 CC 89 7F BB 70 E9 AE 02 C8 0F 81  .e.aT....p......
09:53:49.220 07[IKE] <gw|1>   16: 90 D0 9F 65                                      ...e
09:53:49.220 07[IKE] <gw|1> Sk_er secret => 20 bytes @ 0x7f4cf0005134
09:53:49.220 07[IKE] <gw|1>    0: E4 86 91 8C 03 F6 45 F5 1C 2C DB 7E 30 C3 27 D0  ......E..,.~0.'.
09:53:49.220 07[IKE] <gw|1>   16: 47 1F 38 B2                                      G.8.
09:53:49.220 07[IKE] <gw|1> Sk_pi secret => 32 bytes @ 0x7f4cf0004cb0
09:53:49.220 07[IKE] <gw|1>    0: 09 8A 41 4C 64 91 17 73 71 E2 7A 91 3B 7B 4D 91  ..ALd..sq.z.;{M.
09:53:49.220 07[IKE] <gw|1>   16: FE 80 65 2A AC FD 1D B6 C9 24 2A 9F 60 45 FE 33  ..e*.....$*.\`E.3
09:53:49.220 07[IKE] <gw|1> Sk_pr secret => 32 bytes @ 0x7f4cf0002e80
09:53:49.220 07[IKE] <gw|1>    0: 2A 02 E9 E7 5D A8 8E 89 2F 32 7C 6E 58 56 89 FC  *...].../2|nXV..
09:53:49.220 07[IKE] <gw|1>   16: 17 7E 8C 39 EB 96 50 C1 05 19 F8 0C D5 80 09 57  .~.9..P........W
09:53:49.221 07[IKE] <gw|1> secret => 6 bytes @ 0x7f4d040015d0
09:53:49.221 07[IKE] <gw|1>    0: 73 33 63 72 65 74                                s3cret
09:53:49.222 10[ENC] <gw|1> parsed INFORMATIONAL response 0 [ ]
09:53:49.222 10[CHD] <gw|1> seed => 64 bytes @ 0x7f92802b3960
09:53:49.222 10[CHD] <gw|1>    0: D3 46 9E 29 A6 C4 00 90 24 0F 90 71 B9 53 03 AC  .F.)....$..q.S..
09:53:49.222 10[CHD] <gw|1>   16: D2 99 C4 FF 59 0A 91 ED F7 62 37 21 58 DE 4F 75  ....Y....b7!X.Ou
09:53:49.222 10[CHD] <gw|1>   32: 1F 73 E1 13 E1 3D 4A F0 66 70 BA F0 FD 13 D2 60  .s...=J.fp.....\`
09:53:49.222 10[CHD] <gw|1>   48: 1F 73 E1 13 E1 3D 4A F0 66 70 BA F0 FD 13 D2 60  .s...=J.fp.....\`
09:53:49.222 10[CHD] <gw|1> encryption initiator key => 20 bytes @ 0x564182469db0
09:53:49.222 10[CHD] <gw|1>    0: 74 E9 9A 4F 59 2A 08 AC A6 D1 0A 1E EA 5E 57 CC  t..OY*.......^W.
09:53:49.222 10[CHD] <gw|1>   16: 7C 34 BD 09                                      |4..
09:53:49.222 10[CHD] <gw|1> encryption responder key => 20 bytes @ 0x564182469f70
09:53:49.222 10[CHD] <gw|1>    0: 07 14 7C DE 05 6E 7B 99 FE 62 B7 C3 6F FD F8 22  ..|..n{..b..o.."
09:53:49.222 10[CHD] <gw|1>   16: 73 A4 B5 BB                                      s...
`;

const hex = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('hex');

describe('parseCharonLogLine', () => {
  it('splits time, thread, group, IKE_SA and message', () => {
    expect(parseCharonLogLine('09:53:49.218 04[ENC] <gw|1> generating IKE_SA_INIT request 0 [ SA ]')).toMatchObject({
      time: '09:53:49.218',
      thread: 4,
      group: 'ENC',
      ikeSa: { name: 'gw', id: 1 },
      message: 'generating IKE_SA_INIT request 0 [ SA ]',
    });
  });

  it('handles lines without time, without IKE_SA, and unnamed IKE_SAs', () => {
    expect(parseCharonLogLine('00[DMN] Starting IKE charon daemon (strongSwan 5.9.8, Linux)')).toMatchObject({ time: '', thread: 0, group: 'DMN' });
    expect(parseCharonLogLine('Nov 27 09:53:49 10[ENC] <1> parsed IKE_SA_INIT request 0 [ SA ]')).toMatchObject({
      time: 'Nov 27 09:53:49',
      ikeSa: { name: '', id: 1 },
    });
    expect(parseCharonLogLine('09:53:47.679 00[LIB] created TUN device: ipsec0')?.ikeSa).toBeUndefined();
    expect(parseCharonLogLine('no prefix here')).toBeUndefined();
  });

  it('keeps leading spaces of the message (hex dump lines)', () => {
    expect(parseCharonLogLine('09:53:49.220 07[IKE] <gw|1>   16: B0 95 C5 16')?.message).toBe('  16: B0 95 C5 16');
  });
});

describe('message and packet lines', () => {
  it('parses parsed/generating lines, including empty payload lists', () => {
    const messages = parseIkeMessages(SAMPLE);
    expect(messages.map((m) => [m.direction, m.exchange, m.kind, m.messageId])).toEqual([
      ['generating', 'IKE_SA_INIT', 'request', 0],
      ['parsed', 'IKE_SA_INIT', 'response', 0],
      ['parsed', 'INFORMATIONAL', 'response', 0],
    ]);
    expect(messages[0]?.payloadList).toEqual(['SA', 'KE', 'No', 'N(NATD_S_IP)', 'N(NATD_D_IP)', 'N(FRAG_SUP)', 'N(HASH_ALG)', 'N(REDIR_SUP)']);
    expect(messages[2]?.payloads).toBe('');
    expect(messages[2]?.payloadList).toEqual([]);
  });

  it('keeps parenthesised notations with spaces together', () => {
    expect(splitPayloadNotation('IDi CPRQ(ADDR DNS) SA')).toEqual(['IDi', 'CPRQ(ADDR DNS)', 'SA']);
    expect(parseIkeMessageLine('07[ENC] parsed IKE_AUTH response 1 [ N(AUTH_FAILED) ]')?.payloadList).toEqual(['N(AUTH_FAILED)']);
  });

  it('ignores non-message lines', () => {
    expect(parseIkeMessageLine('07[IKE] parsed IKE_SA_INIT request 0 [ SA ]')).toBeUndefined();
    expect(parseIkeMessageLine('07[ENC] parsing rule 0 U_INT_8')).toBeUndefined();
  });

  it('parses sending/received packet lines', () => {
    expect(parsePacketLine('04[NET] <gw|1> sending packet: from 127.0.0.1[15500] to 127.0.0.2[16500] (232 bytes)')).toMatchObject({
      direction: 'sending',
      src: { address: '127.0.0.1', port: 15500 },
      dst: { address: '127.0.0.2', port: 16500 },
      bytes: 232,
    });
    expect(parsePacketLine('04[NET] sending packet: from ::1[500] to ::2[500] (8 bytes)')?.dst).toEqual({ address: '::2', port: 500 });
  });
});

describe('hex dumps and key material', () => {
  it('reads every dump with exact lengths', () => {
    const dumps = parseHexDumps(SAMPLE);
    expect(dumps.map((d) => [d.label, d.bytes.length])).toEqual([
      ['natd_hash', 20],
      ['shared Diffie Hellman secret', 32],
      ['SKEYSEED', 32],
      ['Sk_d secret', 32],
      ['Sk_ei secret', 20],
      ['Sk_er secret', 20],
      ['Sk_pi secret', 32],
      ['Sk_pr secret', 32],
      ['secret', 6],
      ['seed', 64],
      ['encryption initiator key', 20],
      ['encryption responder key', 20],
    ]);
    expect(hex(dumps[0]?.bytes)).toBe('5064ac1609a366d87b307fc62a66c7c6b095c516');
  });

  it('groups the ike = 4 keys of one derivation', () => {
    const [keys, ...rest] = parseIkeKeys(SAMPLE);
    expect(rest).toEqual([]);
    expect(keys?.ikeSa).toEqual({ name: 'gw', id: 1 });
    expect(keys?.proposal).toBe('IKE:AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE_25519');
    expect(hex(keys?.dhSecret)).toBe('37b97513a03c01eb4ef97321fc14d785f47f7844ae29a76317731580ec09207f');
    expect(hex(keys?.skeyseed)).toBe('cf86c466d4eed18c90d2ca39da7f969d1b943ab96b955763136c2c15cb61da66');
    expect(hex(keys?.skEi)).toBe('b865e16154cc897fbb70e9ae02c80f8190d09f65');
    expect(hex(keys?.skPr)).toBe('2a02e9e75da88e892f327c6e585689fc177e8c39eb9650c10519f80cd5800957');
    expect(keys?.skAi).toBeUndefined();
  });

  it('groups chd = 4 CHILD_SA keys', () => {
    const [child] = parseChildKeys(SAMPLE);
    expect(child?.seed.length).toBe(64);
    expect(child?.dhSecret).toBeUndefined();
    expect(hex(child?.encrInitiator)).toBe('74e99a4f592a08aca6d10a1eea5e57cc7c34bd09');
    expect(hex(child?.encrResponder)).toBe('07147cde056e7b99fe62b7c36ffdf82273a4b5bb');
  });

  it('refuses a dump that is cut short or has a gap', () => {
    const lines = SAMPLE.split('\n');
    const cut = lines.filter((l) => !l.includes('16: 1B 94 3A B9'));
    expect(() => parseHexDumps(cut)).toThrow(CharonLogParseError);
    const garbled = lines.map((l) => l.replace('16: 90 D0 9F 65', '16: 90 D0 9F'));
    expect(() => parseHexDumps(garbled)).toThrow(/malformed byte line/);
  });

  it('accepts an empty dump', () => {
    expect(parseHexDumps(['05[IKE] nothing => 0 bytes @ (nil)'])[0]?.bytes.length).toBe(0);
  });
});
