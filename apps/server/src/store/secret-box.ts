/**
 * Encryption at rest for secrets kept in the database (config versions carry
 * pre-shared keys; captured session keys): AES-256-GCM under a 32-byte key
 * kept in `<data-dir>/secret.key` (mode 0600), created on first start.
 * Sealed format: version(1) | iv(12) | tag(16) | ciphertext.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const VERSION = 1;

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static ephemeral(): SecretBox {
    return new SecretBox(randomBytes(32));
  }

  static fromKeyFile(file: string): SecretBox {
    if (!existsSync(file)) {
      writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    }
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file}: expected a base64 32-byte key`);
    return new SecretBox(key);
  }

  seal(plaintext: string, associated: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associated));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer, associated: string): string {
    if (sealed[0] !== VERSION || sealed.length < 29) throw new Error('sealed value: unknown format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(1, 13));
    decipher.setAAD(Buffer.from(associated));
    decipher.setAuthTag(sealed.subarray(13, 29));
    return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
  }
}
