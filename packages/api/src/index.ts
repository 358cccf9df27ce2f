/** What other packages may import from the api: the router's type, for end-to-end types. */
export type { AppRouter } from './routers/app-router.js';
