/** Certificates: the IKE certificate cache (`ike -certshow`, `ike -certflush`), the certificate directory, uploads, CRLs. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CertificateCacheView,
  CertificateDetail,
  CertificateFlushResult,
  CertificateIdParams,
  CertificateStoreView,
  CertificateUpload,
  CrlList,
} from '../../../contract.ts';
import { actorOf } from '../../../plugins/external/auth.ts';
import { errorResponses } from './shared.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['certificates'];
  const certs = () => app.services.certificates;

  app.get('/certificates/cache', {
    schema: {
      tags,
      summary: 'The certificate cache as `ike -certshow -verbose` shows it: peer certificates and CRLs, status judged in UTC now',
      response: { 200: CertificateCacheView, ...errorResponses(503) },
    },
    handler: async () => certs().cache(),
  });

  app.get('/certificates/cache/:id', {
    schema: {
      tags,
      summary: 'One cached certificate: extensions, subjectAltNames, CRL distribution points, PEM and its chain to a trust anchor',
      params: CertificateIdParams,
      response: { 200: CertificateDetail, ...errorResponses(404, 503) },
    },
    handler: async (request) => certs().detail(request.params.id),
  });

  app.post('/certificates/cache/flush', {
    config: { auth: 'operator' },
    schema: {
      tags,
      summary: '`ike -certflush`: empty the cache of peer certificates and CRLs (the next negotiation refetches); audited',
      response: { 200: CertificateFlushResult, ...errorResponses(403, 503) },
    },
    handler: async (request) => certs().flush(actorOf(request)),
  });

  app.get('/certificates/store', {
    schema: {
      tags,
      summary: "The gateway's certificate directory: local certificates (name.cer + name.key; keys never shown) and CA trust anchors, with problems by name",
      response: { 200: CertificateStoreView, ...errorResponses(503) },
    },
    handler: async () => certs().store(),
  });

  app.post('/certificates', {
    config: { auth: 'admin' },
    schema: {
      tags,
      summary: 'Upload a local certificate with its private key (write-only) or a CA certificate, PEM or DER (base64); audited',
      description: 'Validation errors are 400 naming the field (body.certificate, body.privateKey, body.name). The private key is never returned, logged or stored outside the certificate directory.',
      body: CertificateUpload,
      response: { 201: CertificateStoreView, ...errorResponses(400, 403, 503) },
    },
    handler: async (request, reply) => reply.code(201).send(await certs().upload(actorOf(request), request.body)),
  });

  app.get('/certificates/crls', {
    schema: { tags, summary: 'CRL status: issuer, URL, state (valid, stale, unreachable, dns_failure, ...), next update', response: { 200: CrlList, ...errorResponses(503) } },
    handler: async () => certs().crls(),
  });
};

export default routes;
