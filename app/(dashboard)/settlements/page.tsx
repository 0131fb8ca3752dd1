import { comingSoonPage } from '@/components/shell/coming-soon-page';

const { metadata, Page } = comingSoonPage('settlements');
export { metadata };
export default Page;
