/**
 * The lab's certificate infrastructure, on loopback, started once per lab
 * (Lab.prepare) and ended with it (Lab.close):
 *
 *   DNS server   <prefix>.53 : ephemeral UDP   ca.lab.tunnelscope.test -> <prefix>.80
 *   CA server    <prefix>.80 : ephemeral TCP   /labca.cer, /labca.crl, /labca-hold.crl
 *   PKI          generated now: lab CA, other CA, our hq certificate, one
 *                certificate per scenario peer (validity, CRL URL and
 *                revocation as its CertificateScenarioSpec says)
 *   directories  <temp>/local            our gateway (engine.certificateDirectory)
 *                <temp>/peers/<id>       each peer's own
 *
 * The CRL URLs name the CA server by host name, so our gateway's DNS client
 * (config.dnsServers = the lab DNS, or none in a `dnsClient: false` lab)
 * takes part in every CRL check.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayConfig, GatewayConfigInput } from '@tunnelscope/api';
import { CertificateService, type CertificatePort, type Clock } from '@tunnelscope/engine';
import { closedPort, startCaServer, type CaServer } from './ca-server.ts';
import { HQ_CERTIFICATE, LAB_CA, OTHER_CA, PEER_CERTIFICATE_NAME, peerSubject, type CertificateScenarioSpec, type CrlLocation } from './certificate-scenarios.ts';
// The lab's DNS server is the tests' responder: one implementation (test-utils' subpath imports node:dgram only).
import { startDnsResponder, type DnsResponder } from '@tunnelscope/test-utils/dns-responder';
import { certificatePem, createLabCa, createLabCrl, issueGatewayCertificate, privateKeyPem, type LabCertificate, type RevocationEntry, type Validity } from './lab-pki.ts';

export const CA_HOST_NAME = 'ca.lab.tunnelscope.test';
/** A CRL host the lab DNS does not know (a CA server that was renamed). */
export const UNKNOWN_CRL_HOST_NAME = 'crl.old-ca.lab.tunnelscope.test';
export const CRL_PATHS = { main: '/labca.crl', hold: '/labca-hold.crl', caCertificate: '/labca.cer' } as const;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A certificate scenario as the infrastructure needs it. */
export interface CertificateScenarioSite {
  readonly id: string;
  readonly tunnel: string;
  readonly certificate: CertificateScenarioSpec;
}

export interface CertificateLabOptions {
  /** Host addresses of the DNS and CA servers (loopback, in the lab's /24). */
  readonly dnsAddress: string;
  readonly caAddress: string;
  readonly clock: Clock;
  /** false: our gateway gets no DNS servers (the "no DNS client" lab). */
  readonly dnsClient: boolean;
  readonly scenarios: readonly CertificateScenarioSite[];
}

export class CertificateLabError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateLabError';
  }
}

export class CertificateLab {
  private constructor(
    private readonly options: CertificateLabOptions,
    private readonly root: string,
    readonly dns: DnsResponder,
    readonly ca: CaServer,
    /** Peer certificate per scenario id. */
    readonly peerCertificates: ReadonlyMap<string, LabCertificate>,
  ) {}

  /** Starts the servers, generates the PKI and writes every directory; on failure nothing stays bound. */
  static async start(options: CertificateLabOptions): Promise<CertificateLab> {
    const root = await mkdtemp(join(tmpdir(), 'tunnelscope-lab-certs-'));
    let dns: DnsResponder | undefined;
    let ca: CaServer | undefined;
    try {
      dns = await startDnsResponder({ address: options.dnsAddress });
      ca = await startCaServer(options.caAddress);
      dns.setRecord(CA_HOST_NAME, options.caAddress);
      const peers = await writePki(options, root, ca);
      return new CertificateLab(options, root, dns, ca, peers);
    } catch (error) {
      await dns?.close();
      await ca?.close();
      await rm(root, { recursive: true, force: true });
      throw error;
    }
  }

  get localDirectory(): string {
    return join(this.root, 'local');
  }

  peerDirectory(id: string): string {
    return join(this.root, 'peers', id);
  }

  get dnsClient(): boolean {
    return this.options.dnsClient;
  }

  /** The DNS servers of our gateway: the lab DNS, or none in a `dnsClient: false` lab. */
  get dnsServers(): string[] {
    return this.options.dnsClient ? [this.dns.server] : [];
  }

  /** Our demo config with the certificate directory and the DNS client. */
  applyTo(config: GatewayConfigInput): GatewayConfigInput {
    return { ...config, dnsServers: this.dnsServers, engine: { ...config.engine, certificateDirectory: this.localDirectory } };
  }

  /** The peer's config with its own certificate directory. */
  applyToPeer(id: string, config: GatewayConfigInput): GatewayConfigInput {
    return { ...config, engine: { ...config.engine, certificateDirectory: this.peerDirectory(id) } };
  }

  /** A loaded certificate service over the peer's directory (the peer checks no CRL). */
  async peerCertificateService(id: string, config: GatewayConfig): Promise<CertificatePort> {
    if (!this.peerCertificates.has(id)) throw new CertificateLabError(`no certificate scenario "${id}" in the lab PKI`);
    const service = new CertificateService({ directory: this.peerDirectory(id), clock: this.options.clock, timeZone: config.timeZone, dnsServers: [] });
    service.applyConfig(config);
    await service.load();
    return service;
  }

  async close(): Promise<void> {
    await this.dns.close();
    await this.ca.close();
    await rm(this.root, { recursive: true, force: true });
  }
}

function validityFor(kind: CertificateScenarioSpec['peerCertificate']['validity'], now: number): Validity {
  switch (kind) {
    case 'valid':
      return { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) };
    case 'expired':
      return { notBefore: new Date(now - 400 * DAY), notAfter: new Date(now - 2 * DAY) };
    case 'starts-in-one-hour':
      return { notBefore: new Date(now + HOUR), notAfter: new Date(now + HOUR + 365 * DAY) };
  }
}

async function writeFiles(directory: string, files: Record<string, { data: string; mode: number }>): Promise<void> {
  for (const [relative, file] of Object.entries(files)) {
    const path = join(directory, relative);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, file.data, { mode: file.mode });
  }
}

const PUBLIC = 0o644;
const SECRET = 0o600;

async function writePki(options: CertificateLabOptions, root: string, ca: CaServer): Promise<Map<string, LabCertificate>> {
  const now = Math.floor(options.clock.now() / 1000) * 1000;
  const caValidity = { notBefore: new Date(now - 30 * DAY), notAfter: new Date(now + 3650 * DAY) };
  const labCa = await createLabCa(LAB_CA.subject, caValidity);
  const otherCa = await createLabCa(OTHER_CA.subject, caValidity);
  const hq = await issueGatewayCertificate(labCa, { subject: HQ_CERTIFICATE.subject, validity: { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) } });
  const downPort = await closedPort(options.caAddress);
  const crlUrl: Record<Exclude<CrlLocation, 'none'>, string> = {
    'lab-ca': ca.url(CRL_PATHS.main, CA_HOST_NAME),
    'closed-port': `http://${CA_HOST_NAME}:${downPort}${CRL_PATHS.main}`,
    'unknown-host': ca.url(CRL_PATHS.main, UNKNOWN_CRL_HOST_NAME),
    'on-hold-then-lifted': ca.url(CRL_PATHS.hold, CA_HOST_NAME),
  };

  const local: Record<string, { data: string; mode: number }> = {
    [`${HQ_CERTIFICATE.name}.cer`]: { data: certificatePem(hq), mode: PUBLIC },
    [`${HQ_CERTIFICATE.name}.key`]: { data: privateKeyPem(hq), mode: SECRET },
    [`ca/${LAB_CA.name}.cer`]: { data: certificatePem(labCa), mode: PUBLIC },
  };
  const peers = new Map<string, LabCertificate>();
  const revoked: RevocationEntry[] = [];
  const onHold: RevocationEntry[] = [];
  for (const scenario of options.scenarios) {
    const spec = scenario.certificate;
    const issuer = spec.peerCertificate.issuer === 'lab-ca' ? labCa : otherCa;
    const peer = await issueGatewayCertificate(issuer, {
      subject: peerSubject(scenario.tunnel),
      validity: validityFor(spec.peerCertificate.validity, now),
      ...(spec.peerCertificate.crl === 'none' ? {} : { crlUrl: crlUrl[spec.peerCertificate.crl] }),
    });
    peers.set(scenario.id, peer);
    if (spec.peerCertificate.revoked) revoked.push({ serialNumber: peer.serialNumber, date: new Date(now - HOUR), reason: 'keyCompromise' });
    if (spec.peerCertificate.crl === 'on-hold-then-lifted') onHold.push({ serialNumber: peer.serialNumber, date: new Date(now - HOUR), reason: 'certificateHold' });
    if (spec.localCertificate) {
      // The seed's 13.6.2 mistake: the pair stored under two file names.
      const ours = await issueGatewayCertificate(labCa, { subject: HQ_CERTIFICATE.subject, validity: { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) } });
      local[`${spec.localCertificate.name}.cer`] = { data: certificatePem(ours), mode: PUBLIC };
      local[`${spec.localCertificate.keyFileName}.key`] = { data: privateKeyPem(ours), mode: SECRET };
    }
    await writeFiles(join(root, 'peers', scenario.id), {
      [`${PEER_CERTIFICATE_NAME}.cer`]: { data: certificatePem(peer), mode: PUBLIC },
      [`${PEER_CERTIFICATE_NAME}.key`]: { data: privateKeyPem(peer), mode: SECRET },
      [`ca/${LAB_CA.name}.cer`]: { data: certificatePem(labCa), mode: PUBLIC },
    });
  }
  await writeFiles(join(root, 'local'), local);

  const crlTimes = { thisUpdate: new Date(now - HOUR), nextUpdate: new Date(now + 7 * DAY) };
  const mainCrl = await createLabCrl(labCa, { revoked, ...crlTimes });
  const holdCrl = await createLabCrl(labCa, { revoked: onHold, ...crlTimes });
  const liftedCrl = await createLabCrl(labCa, { revoked: [], thisUpdate: new Date(now), nextUpdate: crlTimes.nextUpdate });
  ca.publish(CRL_PATHS.caCertificate, [labCa.der], 'application/pkix-cert');
  ca.publish(CRL_PATHS.main, [mainCrl], 'application/pkix-crl');
  ca.publish(CRL_PATHS.hold, [holdCrl, liftedCrl], 'application/pkix-crl');
  return peers;
}
