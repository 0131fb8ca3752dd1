// What `import 'server-only'` resolves to under Vitest (vitest.config.mts): tests run lib's server
// modules in Node, where the package's default export throws.
export {};
