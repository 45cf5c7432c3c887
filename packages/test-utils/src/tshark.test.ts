import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readCapture, writePcap } from '@tunnelscope/ike';
import { describeInterop } from './require-tool.ts';
import { ikev2DecryptionTable, tsharkDecode, type Ikev2DecryptionEntry } from './tshark.ts';

const FIXTURE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../ike/test-fixtures/strongswan/a-aes128gcm16-x25519-rekey-delete',
);

interface FixtureSa {
  spiI: string;
  spiR: string;
  skEi: string;
  skEr: string;
  wireshark: { encr: string; integ: string };
}

function decryptionEntries(): Ikev2DecryptionEntry[] {
  const keys = JSON.parse(readFileSync(join(FIXTURE, 'keys.json'), 'utf8')) as { ikeSas: FixtureSa[] };
  return keys.ikeSas.map((sa) => ({ spiI: sa.spiI, spiR: sa.spiR, skEi: sa.skEi, skEr: sa.skEr, encr: sa.wireshark.encr, integ: sa.wireshark.integ }));
}

const exchanges = (text: string): string[] => [...text.matchAll(/^ {4}Exchange type: (.*)$/gm)].map((m) => m[1] ?? '');

it('renders the ikev2_decryption_table format Wireshark accepts', () => {
  expect(
    ikev2DecryptionTable([
      { spiI: 'AABB', spiR: 'ccdd', skEi: new Uint8Array([1, 2]), skEr: '0304', encr: 'AES-CBC-256 [RFC3602]', skAi: '05', skAr: '06', integ: 'HMAC_SHA2_256_128 [RFC4868]' },
    ]),
  ).toBe('aabb,ccdd,0102,0304,"AES-CBC-256 [RFC3602]",05,06,"HMAC_SHA2_256_128 [RFC4868]"\n');
});

describeInterop('tshark decodes what writePcap writes', ['tshark'], () => {
  let scratch = '';
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'tsh-tshark-test-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('re-wrapped strongSwan datagrams decode and decrypt like the original capture, with good checksums', async () => {
    const original = join(FIXTURE, 'capture.pcap');
    const rewritten = join(scratch, 'rewritten.pcap');
    writeFileSync(rewritten, writePcap(readCapture(readFileSync(original))));
    const options = {
      decodeAs: ['udp.port==16500,udpencap'],
      decryptionTable: decryptionEntries(),
      preferences: { 'ip.check_checksum': 'TRUE', 'udp.check_checksum': 'TRUE' },
    };
    const [before, after] = await Promise.all([tsharkDecode(original, options), tsharkDecode(rewritten, options)]);
    expect(after.frames).toHaveLength(14);
    expect(after.problems).toEqual([]);
    expect(after.frames.every((f) => f.text.includes('[Checksum Status: Good]'))).toBe(true);
    expect(after.frames.every((f) => f.text.includes('[Header checksum status: Good]'))).toBe(true);
    expect(exchanges(after.text)).toEqual(exchanges(before.text));
    expect(after.frames.filter((f) => f.text.includes('Decrypted Data')).map((f) => f.number)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it('reports malformed packets as expert errors', async () => {
    const truncated = join(scratch, 'truncated.pcap');
    const [first] = readCapture(readFileSync(join(FIXTURE, 'capture.pcap')));
    if (!first) throw new Error('empty fixture');
    writeFileSync(truncated, writePcap([{ ...first, payload: first.payload.subarray(0, 60) }]));
    const result = await tsharkDecode(truncated, { decodeAs: ['udp.port==16500,udpencap'] });
    expect(result.problems.length).toBeGreaterThan(0);
    expect(result.problems[0]).toMatchObject({ frame: 1, severity: 'Error', group: 'Malformed' });
  });
});
