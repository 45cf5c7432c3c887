/**
 * @peculiar/x509 for the lab's PKI: the Reflect metadata polyfill its
 * container needs is loaded first, and node's WebCrypto is installed as its
 * provider. Lab modules import x509 from here, never from the package.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
export const subtle = webcrypto.subtle as unknown as SubtleCrypto;
