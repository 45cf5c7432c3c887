/**
 * A server for the certificate specs: the real engine with a certificate
 * tunnel pair negotiating with itself over loopback (cert-a 127.0.0.5 <->
 * 127.0.0.6 cert-b), authenticated by certificates from a test PKI that
 * is generated here, at test time, with the system's `openssl` (ECDSA
 * P-256; a CA and one end-entity certificate per side, subjectAltName =
 * the side's IP identity). Nothing of it is committed; the directory is
 * removed with the server. Own worker fixture, so these specs run in a
 * worker of their own.
 */
import { test as base } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { apiJson, expect, logIn, saveScreenshot } from './fixtures.ts';
import { freeIkePorts, startServer, type RunningServer } from './server-process.ts';

export const CERT_LAB = {
  ca: { name: 'e2e-root', subject: '/C=SE/O=tunnelscope e2e/CN=e2e-root' },
  a: { tunnel: 'cert-a', endpoint: '127.0.0.5', network: '192.168.50.0/24', subject: '/C=SE/O=tunnelscope e2e/CN=cert-a' },
  b: { tunnel: 'cert-b', endpoint: '127.0.0.6', network: '10.50.0.0/24', subject: '/C=SE/O=tunnelscope e2e/CN=cert-b' },
} as const;

function openssl(cwd: string, args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA (in ca/) and name.cer + name.key for each side, as the certificate directory expects them. */
export function generateTestPki(directory: string): void {
  mkdirSync(path.join(directory, 'ca'), { recursive: true });
  const work = mkdtempSync(path.join(tmpdir(), 'tunnelscope-e2e-pki-'));
  try {
    openssl(work, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.cer', '-days', '30', '-subj', CERT_LAB.ca.subject,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    execFileSync('cp', [path.join(work, 'ca.cer'), path.join(directory, 'ca', `${CERT_LAB.ca.name}.cer`)]);
    for (const side of [CERT_LAB.a, CERT_LAB.b]) {
      writeFileSync(path.join(work, `${side.tunnel}.ext`), `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectAltName=IP:${side.endpoint}\n`);
      openssl(work, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${side.tunnel}.key`, '-out', `${side.tunnel}.csr`, '-subj', side.subject]);
      openssl(work, ['x509', '-req', '-in', `${side.tunnel}.csr`, '-CA', 'ca.cer', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '20', '-out', `${side.tunnel}.cer`, '-extfile', `${side.tunnel}.ext`]);
      execFileSync('cp', [path.join(work, `${side.tunnel}.cer`), path.join(work, `${side.tunnel}.key`), directory]);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

type Side = { tunnel: string; endpoint: string; network: string };

function certificateTunnel(self: Side, peer: Side): Record<string, unknown> {
  return {
    name: self.tunnel,
    localNetworks: [self.network],
    remoteNetworks: [peer.network],
    localEndpoint: self.endpoint,
    remoteEndpoint: peer.endpoint,
    localId: { type: 'ipv4', value: self.endpoint },
    remoteId: { type: 'ipv4', value: peer.endpoint },
    auth: { method: 'certificate', certificate: self.tunnel, rootCertificates: [CERT_LAB.ca.name] },
    crlChecking: false,
    ikeProposals: ['aes128gcm16-prfsha256-x25519'],
    ipsecProposals: ['aes128gcm16'],
  };
}

export interface CertificateServer {
  server: RunningServer;
  certificateDirectory: string;
}

export const certificateTest = base.extend<{ server: RunningServer; certificateDirectory: string }, { workerCertificateServer: CertificateServer }>({
  workerCertificateServer: [
    async ({}, use) => {
      const certificateDirectory = mkdtempSync(path.join(tmpdir(), 'tunnelscope-e2e-certs-'));
      try {
        generateTestPki(certificateDirectory);
        const ports = await freeIkePorts([CERT_LAB.a.endpoint, CERT_LAB.b.endpoint]);
        const server = await startServer({
          gatewayConfig: {
            timeZone: 'Europe/Stockholm',
            interfaces: [
              { name: 'ext', addresses: ['127.0.0.5/8'] },
              { name: 'int', addresses: ['192.168.50.1/24'] },
            ],
            ipRules: [],
            routes: [{ network: CERT_LAB.b.network, interface: CERT_LAB.a.tunnel }],
            engine: { ...ports, snoop: { mode: 'brief', peer: '' }, certificateDirectory },
            tunnels: [certificateTunnel(CERT_LAB.a, CERT_LAB.b), certificateTunnel(CERT_LAB.b, CERT_LAB.a)],
          },
        });
        try {
          await use({ server, certificateDirectory });
        } finally {
          await server.stop();
        }
      } finally {
        rmSync(certificateDirectory, { recursive: true, force: true });
      }
    },
    { scope: 'worker', timeout: 180_000 },
  ],
  server: async ({ workerCertificateServer }, use) => {
    await use(workerCertificateServer.server);
  },
  certificateDirectory: async ({ workerCertificateServer }, use) => {
    await use(workerCertificateServer.certificateDirectory);
  },
});

export { apiJson, expect, logIn, saveScreenshot };
