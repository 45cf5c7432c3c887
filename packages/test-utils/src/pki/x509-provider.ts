/**
 * @peculiar/x509 for the test PKI: loads the Reflect metadata polyfill its
 * container needs before the library, and installs node's WebCrypto.
 * Import x509 from here, never from the package directly.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
export const subtle = webcrypto.subtle as unknown as SubtleCrypto;
