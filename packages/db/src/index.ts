export * from './client.js';
export * as schema from './schema.js';
export { uuidv7 } from './uuidv7.js';
export * from './timescale.js';
export { arrayParam, pgArray } from './pg-array.js';
export { fastQueryText, queryText, type QueryText } from './query-text.js';
export { bare, bareColumnsOf, bareList, columnsOf, keyColumnsOf, valueColumnsOf } from './columns.js';
