import { PendingFeaturePage } from '../../../components/ui/pending-feature-page.tsx';

export function LabPage() {
  return (
    <PendingFeaturePage
      title="Lab"
      description="The demo lab's peer gateways (127.0.1.x) with the seed's misconfigurations, and controls to start their scenarios."
      arrivesWith="the lab package and its server wiring"
    />
  );
}
