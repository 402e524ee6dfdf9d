export {
  DEFAULT_ARTICLE_COUNT,
  DEFAULT_CUSTOMER_COUNT,
  DEFAULT_DEMO_PASSWORD,
  DEFAULT_RANDOM_SEED,
  SeedTargetNotEmptyError,
  seedDemoData,
  type DemoLogin,
  type SeedOptions,
  type SeedSummary,
} from './seed-demo-data'
export { buildDemoDataset, type DatasetOptions, type DemoDataset } from './dataset'
export { ALL_TIERS, CONSUMER_TIERS, type CustomerTier } from './customers'
export { ENTERPRISE_TIERS } from './companies'
export { REASON_CODES } from './organisation'
