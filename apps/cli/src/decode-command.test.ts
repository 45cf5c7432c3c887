import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDecodeArguments, runDecodeCommand, UsageError } from './decode-command.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../packages/ike/test-fixtures/strongswan');

async function run(argv: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const code = await runDecodeCommand(argv, (t) => lines.push(t), FIXTURES);
  return { code, text: lines.join('\n') };
}

describe('tunnelscope decode', () => {
  it('parses options and rejects bad ones by name', () => {
    expect(parseDecodeArguments(['x.pcap', '--port', '16500', '--port', '16501', '--full'])).toMatchObject({
      capture: 'x.pcap',
      ports: [16500, 16501],
      full: true,
    });
    expect(() => parseDecodeArguments(['x.pcap', '--port', '70000'])).toThrow(/--port must be an integer from 1 to 65535/);
    expect(() => parseDecodeArguments(['--frob'])).toThrow(UsageError);
    expect(() => parseDecodeArguments([])).toThrow(/missing capture file/);
  });

  it('prints snoop entries in the seed layout, decrypted with a Wireshark key table', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ts-decode-'));
    const keys = require_keys('d-wrong-psk');
    writeFileSync(path.join(dir, 'table'), keys);
    const { code, text } = await run(['d-wrong-psk/capture.pcap', '--keys', path.join(dir, 'table'), '--port', '16500', '--port', '15501']);
    expect(code).toBe(0);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^SNOOP: IKEv2: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d 127\.0\.0\.2:16500 <- 127\.0\.0\.1:15500$/);
    expect(lines[1]).toBe(' IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) N(REDIR_SUP) ]');
    expect(text).toContain(' IKE_AUTH response 1 [ N(AUTH_FAILED) ]');
    expect(text).toMatch(/-- 4 IKE message\(s\) .* local side 127\.0\.0\.2 \(first ike sa init responder\)/);
  });

  it('reports a bad key table by line and field, and prints nothing decoded', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ts-decode-'));
    writeFileSync(path.join(dir, 'table'), '0011,2233,aa,bb,"AES-CBC-128 [RFC3602]",cc,dd,"HMAC_SHA2_256_128 [RFC4868]"\n');
    const { code, text } = await run(['d-wrong-psk/capture.pcap', '--keys', path.join(dir, 'table')]);
    expect(code).toBe(1);
    expect(text).toBe('tunnelscope decode: ikev2_decryption_table line 1, SPIi: must be 8 octets, found 2');
  });

  it('names the byte offset of a malformed capture', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ts-decode-'));
    writeFileSync(path.join(dir, 'bad.pcap'), Buffer.from('d4c3b2a1020004000000000000000000', 'hex'));
    const { code, text } = await run([path.join(dir, 'bad.pcap')]);
    expect(code).toBe(1);
    expect(text).toMatch(/byte offset \d+/);
  });
});

function require_keys(scenario: string): string {
  // keys.json -> ikev2_decryption_table lines, as a user would export them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const keys = JSON.parse(require('node:fs').readFileSync(path.join(FIXTURES, scenario, 'keys.json'), 'utf8')) as {
    ikeSas: Array<{ spiI: string; spiR: string; skEi: string; skEr: string; skAi?: string; skAr?: string; wireshark: { encr: string; integ: string } }>;
  };
  return keys.ikeSas
    .map((s) => [s.spiI, s.spiR, s.skEi, s.skEr, `"${s.wireshark.encr}"`, s.skAi ?? '', s.skAr ?? '', `"${s.wireshark.integ}"`].join(','))
    .join('\n');
}
