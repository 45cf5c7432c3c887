/**
 * Private keys of the gateway's own certificates: PEM (PKCS#8 "PRIVATE
 * KEY", PKCS#1 "RSA PRIVATE KEY", SEC1 "EC PRIVATE KEY") or DER in any of
 * those three encodings. Encrypted keys are refused (the gateway has no
 * passphrase to open them). Errors describe the encoding problem, never
 * the key material.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { looksLikePem, pemBlocks } from './parse-certificate.ts';

export class PrivateKeyParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrivateKeyParseError';
  }
}

const PEM_KEY_TYPES: ReadonlyMap<string, 'pkcs8' | 'pkcs1' | 'sec1'> = new Map([
  ['PRIVATE KEY', 'pkcs8'],
  ['RSA PRIVATE KEY', 'pkcs1'],
  ['EC PRIVATE KEY', 'sec1'],
]);

export function parsePrivateKey(input: Uint8Array): KeyObject {
  if (input.length === 0) throw new PrivateKeyParseError('empty: no private key');
  if (looksLikePem(input)) {
    const text = Buffer.from(input).toString('latin1');
    let blocks: { label: string; der: Uint8Array }[];
    try {
      blocks = pemBlocks(text);
    } catch (error) {
      throw new PrivateKeyParseError((error as Error).message);
    }
    if (blocks.some((block) => block.label === 'ENCRYPTED PRIVATE KEY') || /Proc-Type:\s*4,ENCRYPTED/.test(text)) {
      throw new PrivateKeyParseError('the private key is encrypted; store it unencrypted (PKCS#8, PKCS#1 or SEC1)');
    }
    const block = blocks.find((candidate) => PEM_KEY_TYPES.has(candidate.label));
    if (!block) {
      const labels = blocks.map((candidate) => candidate.label).join(', ');
      throw new PrivateKeyParseError(`no PEM private key block (PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY)${labels === '' ? '' : `; found ${labels}`}`);
    }
    try {
      return createPrivateKey({ key: Buffer.from(block.der), format: 'der', type: PEM_KEY_TYPES.get(block.label)! });
    } catch (error) {
      throw new PrivateKeyParseError(`PEM "${block.label}" block is not a valid key (${(error as Error).message})`);
    }
  }
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      return createPrivateKey({ key: Buffer.from(input), format: 'der', type });
    } catch {
      // try the next DER encoding
    }
  }
  throw new PrivateKeyParseError('DER is neither a PKCS#8, a PKCS#1 RSA nor a SEC1 EC private key');
}

/** Is `privateKey` the private half of `publicKey`? Compares the derived public key (SPKI). */
export function keyPairMatches(privateKey: KeyObject, publicKey: KeyObject): boolean {
  try {
    const derived = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    return Buffer.compare(derived, publicKey.export({ format: 'der', type: 'spki' })) === 0;
  } catch {
    return false;
  }
}
