/**
 * The one place @peculiar/x509 is loaded: its dependency injection
 * container (tsyringe) needs the Reflect metadata polyfill before it is
 * evaluated, and it needs a WebCrypto provider. Every certs/ module imports
 * x509 from here, never from the package directly.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
