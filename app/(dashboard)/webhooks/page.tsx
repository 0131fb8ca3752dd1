import { comingSoonPage } from '@/components/shell/coming-soon-page';

const { metadata, Page } = comingSoonPage('webhooks');
export { metadata };
export default Page;
