import { comingSoonPage } from '@/components/shell/coming-soon-page';

const { metadata, Page } = comingSoonPage('payments');
export { metadata };
export default Page;
