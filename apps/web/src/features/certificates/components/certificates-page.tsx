import { PendingFeaturePage } from '../../../components/ui/pending-feature-page.tsx';

export function CertificatesPage() {
  return (
    <PendingFeaturePage
      title="Certificates"
      description="The IKE certificate cache as `ike -certshow [-verbose]` shows it (subject, issuer, validity, status), expiry warnings and `ike -certflush`."
      arrivesWith="certificate authentication and the certificate cache in the engine"
    />
  );
}
