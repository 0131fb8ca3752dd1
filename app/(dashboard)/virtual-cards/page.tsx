import { comingSoonPage } from '@/components/shell/coming-soon-page';

const { metadata, Page } = comingSoonPage('virtual-cards');
export { metadata };
export default Page;
