export * from './users';
export * from './audit';
export * from './klarna';
export * from './merchants';
export * from './payments';
export * from './settlements';
export * from './cards';
export * from './refund-batches';
