/**
 * COOKIE challenge (RFC 7296 §2.6). Once the half-open IKE SAs reach the
 * configured threshold (0 = always), an IKE_SA_INIT request is answered
 * statelessly with N(COOKIE) unless it carries, as its first payload, a
 * cookie we computed from its Ni, source address and SPIi. The secret is
 * drawn from the core's entropy and rotated hourly; the previous secret
 * still verifies, so a cookie issued just before a rotation works.
 */
import {
  NotifyType,
  PayloadType,
  computeCookie,
  initialCookieSecrets,
  rotateCookieSecret,
  verifyCookie,
  type CookieSecrets,
  type Payload,
} from '@tunnelscope/ike';
import type { Endpoint } from '../io/transport.ts';
import type { IkeDaemonCore } from './daemon-core.ts';
import type { Entropy } from './entropy.ts';

const ROTATE_MS = 60 * 60_000;

export class CookieJar {
  private secrets: CookieSecrets | undefined;
  private rotatedAt = 0;

  constructor(private readonly entropy: Entropy) {}

  current(now: number): CookieSecrets {
    if (!this.secrets) {
      this.secrets = initialCookieSecrets(this.entropy.bytes(32));
      this.rotatedAt = now;
    } else if (now - this.rotatedAt >= ROTATE_MS) {
      this.secrets = rotateCookieSecret(this.secrets, this.entropy.bytes(32));
      this.rotatedAt = now;
    }
    return this.secrets;
  }
}

export type CookieVerdict = { action: 'accept' } | { action: 'challenge' | 'reject_invalid'; cookie: Uint8Array };

export function checkCookie(core: IkeDaemonCore, payloads: readonly Payload[], ni: Uint8Array, remote: Endpoint, spiI: Uint8Array): CookieVerdict {
  const threshold = core.config.engine.halfOpenThreshold;
  if (core.halfOpenCount() < threshold) return { action: 'accept' };
  const secrets = core.cookies.current(core.now);
  const fresh = computeCookie(secrets.current, ni, remote.address, spiI);
  const first = payloads[0];
  if (!first || first.type !== PayloadType.NOTIFY || first.notifyType !== NotifyType.COOKIE) return { action: 'challenge', cookie: fresh };
  const check = verifyCookie(secrets, first.data, ni, remote.address, spiI);
  return check.ok ? { action: 'accept' } : { action: 'reject_invalid', cookie: fresh };
}
