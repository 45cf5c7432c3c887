/**
 * Crypto-only ceiling of the IKE engine: how many IKE_SA_INIT key
 * computations and SK payload seal+open round trips one core can do with
 * node:crypto, before any codec, state machine or socket cost.
 *
 *   pnpm exec tsx bench/crypto-bench.ts            (about 1 s per row)
 *   BENCH_SECONDS=3 pnpm exec tsx bench/crypto-bench.ts
 *
 * Handshake rows: one side's work per IKE SA — generate a key pair,
 * compute g^ir from a fixed peer value, derive SKEYSEED and the seven SK keys
 * (PRF_HMAC_SHA2_256, AES-GCM-16-256). A full handshake costs each peer one
 * of these (plus AUTH, not measured here).
 *
 * SK rows: sealSk then openSk of a 1024-byte plaintext with a 32-byte AAD.
 *
 * Imports the crypto entry by path until the lead exports it from
 * @tunnelscope/ike.
 */
import os from 'node:os';
import {
  DH_GROUPS,
  createKeyExchange,
  deriveIkeSaKeys,
  openSk,
  sealSk,
  skKeysFor,
} from '@tunnelscope/ike';
import type { SkSuite } from '@tunnelscope/ike';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? '1');

/** Runs `operation` repeatedly for about `SECONDS` and returns operations per second. */
function measure(operation: () => void): number {
  for (let i = 0; i < 3; i++) operation(); // warm up
  const budget = BigInt(Math.round(SECONDS * 1e9));
  const start = process.hrtime.bigint();
  let count = 0;
  let elapsed = 0n;
  while (elapsed < budget) {
    operation();
    count++;
    elapsed = process.hrtime.bigint() - start;
  }
  return count / (Number(elapsed) / 1e9);
}

const rate = (perSecond: number): string => (perSecond >= 100 ? Math.round(perSecond).toLocaleString('en-US') : perSecond.toFixed(1));

const ni = new Uint8Array(32).fill(0x11);
const nr = new Uint8Array(32).fill(0x22);
const spiI = new Uint8Array(8).fill(0x33);
const spiR = new Uint8Array(8).fill(0x44);

function handshakeRows(): string[] {
  const rows: string[] = [];
  for (const group of DH_GROUPS) {
    const peer = createKeyExchange(group.id).publicValue;
    const fixed = createKeyExchange(group.id);
    const sharedSecret = fixed.computeSharedSecret(peer);
    const keygen = measure(() => {
      createKeyExchange(group.id);
    });
    const shared = measure(() => {
      fixed.computeSharedSecret(peer);
    });
    const kdf = measure(() => {
      deriveIkeSaKeys({ prf: 5, encr: 20, encrKeyBits: 256, integ: 0, ni, nr, sharedSecret, spiI, spiR });
    });
    const full = measure(() => {
      const exchange = createKeyExchange(group.id);
      const secret = exchange.computeSharedSecret(peer);
      deriveIkeSaKeys({ prf: 5, encr: 20, encrKeyBits: 256, integ: 0, ni, nr, sharedSecret: secret, spiI, spiR });
    });
    rows.push(`| ${group.id} | ${group.name} | ${rate(keygen)} | ${rate(shared)} | ${rate(kdf)} | **${rate(full)}** |`);
  }
  return rows;
}

const SUITES: ReadonlyArray<{ name: string; suite: SkSuite }> = [
  { name: 'AES-CBC-128 + HMAC-SHA1-96', suite: { encr: 12, encrKeyBits: 128, integ: 2 } },
  { name: 'AES-CBC-128 + HMAC-SHA2-256-128', suite: { encr: 12, encrKeyBits: 128, integ: 12 } },
  { name: 'AES-CBC-256 + HMAC-SHA2-256-128', suite: { encr: 12, encrKeyBits: 256, integ: 12 } },
  { name: 'AES-CBC-256 + HMAC-SHA2-384-192', suite: { encr: 12, encrKeyBits: 256, integ: 13 } },
  { name: 'AES-CBC-256 + HMAC-SHA2-512-256', suite: { encr: 12, encrKeyBits: 256, integ: 14 } },
  { name: 'AES-GCM-16-128', suite: { encr: 20, encrKeyBits: 128, integ: 0 } },
  { name: 'AES-GCM-16-256', suite: { encr: 20, encrKeyBits: 256, integ: 0 } },
  { name: 'ChaCha20-Poly1305', suite: { encr: 28, encrKeyBits: 256, integ: 0 } },
];

function skRows(): string[] {
  const plaintext = new Uint8Array(1024).fill(0x5a);
  const aad = new Uint8Array(32).fill(0x01);
  return SUITES.map(({ name, suite }) => {
    const keys = skKeysFor(deriveIkeSaKeys({ ...suite, prf: 5, ni, nr, sharedSecret: new Uint8Array(32).fill(7), spiI, spiR }), 'initiator');
    const perSecond = measure(() => {
      const body = sealSk(suite, keys, aad, plaintext);
      const opened = openSk(suite, keys, aad, body);
      if (!opened.ok) throw new Error(`${name}: ${opened.reason}`);
    });
    return `| ${name} | ${rate(perSecond)} | ${((perSecond * 1024 * 8) / 1e6).toFixed(0)} |`;
  });
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`# crypto-bench — node ${process.version}, ${process.versions.openssl ? `OpenSSL ${process.versions.openssl}` : ''}, ${cpu}, one core, ~${SECONDS}s per figure\n`);
console.log('## IKE SA key computation per DH group (operations/second, one side)\n');
console.log('| group | name | keygen/s | g^ir/s | SKEYSEED+prf+ (SHA-256, GCM-256)/s | keygen + g^ir + KDF/s |');
console.log('|---:|---|---:|---:|---:|---:|');
for (const row of handshakeRows()) console.log(row);
console.log('\n## SK payload seal + open, 1 KB plaintext\n');
console.log('| suite | seal+open/s | Mbit/s (plaintext, both ops) |');
console.log('|---|---:|---:|');
for (const row of skRows()) console.log(row);
