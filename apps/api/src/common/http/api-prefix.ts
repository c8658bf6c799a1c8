/** Every API route lives under `/api`; the SPA and the widget are served outside it. */
export const API_PREFIX = 'api';

/** Nest routes served outside `/api`: pages, not API calls (`GET /demo`, the widget's demo shop). */
export const ROUTES_OUTSIDE_API_PREFIX = ['demo'];
