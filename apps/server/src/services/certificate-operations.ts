/**
 * Certificates for REST: the cache (`ike -certshow` as data), details,
 * flush (`ike -certflush`, operator, audited), the certificate directory
 * and uploads (admin, audited).
 *
 *   POST /certificates --> the private key joins the secret guard first (so no
 *   response, frame, log line or stored row can carry it, whatever fails)
 *   --> gateway.uploadCertificate --> {ok:false, field} --> 400 naming body.<field>
 *                                 --> ok --> audit certificates.upload (name, kind, hasKey; never the key)
 */
import type { CertificateCacheView, CertificateDetail, CertificateFlushResult, CertificateStoreView, CertificateUpload, CrlList } from '../contract.ts';
import { ApiError, badRequest, notFound } from '../errors.ts';
import type { GatewayPort } from '../plugins/app/gateway-port.ts';
import type { Actor } from './actor.ts';
import type { AuditLog } from './audit-log.ts';
import type { SecretGuard } from './secret-guard.ts';

export class CertificateOperations {
  constructor(
    private readonly gateway: GatewayPort,
    private readonly audit: AuditLog,
    private readonly guard: SecretGuard,
  ) {}

  cache(): CertificateCacheView {
    return this.gateway.certificateCache();
  }

  detail(id: string): CertificateDetail {
    const detail = this.gateway.certificateDetail(id);
    if (!detail) throw notFound(`certificate ${id} in the cache`);
    return detail;
  }

  flush(actor: Actor): CertificateFlushResult {
    const result = this.gateway.flushCertificates();
    this.audit.record(actor, 'certificates.flush', 'certificate_cache', { ...result });
    return result;
  }

  store(): CertificateStoreView {
    return this.gateway.certificateStore();
  }

  crls(): CrlList {
    const cache = this.gateway.certificateCache();
    return { time: cache.time, items: cache.crls };
  }

  async upload(actor: Actor, upload: CertificateUpload): Promise<CertificateStoreView> {
    if (upload.privateKey !== undefined) this.guard.addSecrets(privateKeyForms(upload.privateKey));
    if (upload.kind === 'ca' && upload.privateKey !== undefined) {
      throw badRequest('privateKey: a CA certificate is uploaded without a private key', [{ path: 'body.privateKey', message: 'only for kind "local"' }]);
    }
    const result = await this.gateway.uploadCertificate(upload);
    if (!result.ok && result.field === 'directory') throw new ApiError('unavailable', result.message);
    if (!result.ok) {
      const path = `body.${result.field}`;
      throw badRequest(`${path}: ${this.guard.scrub(result.message)}`, [{ path, message: this.guard.scrub(result.message) }]);
    }
    this.audit.record(actor, 'certificates.upload', `certificate:${upload.name}`, { kind: upload.kind, hasKey: upload.privateKey !== undefined });
    return this.gateway.certificateStore();
  }
}

/** The key as sent and its body without PEM armour or line breaks (how a DER/base64 echo would spell it). */
function privateKeyForms(key: string): string[] {
  const body = key
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('-----'))
    .join('')
    .replace(/\s+/g, '');
  return [key, key.trim(), body];
}
