import { comingSoonPage } from '@/components/shell/coming-soon-page';

const { metadata, Page } = comingSoonPage('merchants');
export { metadata };
export default Page;
