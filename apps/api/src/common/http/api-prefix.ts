/** Every API route lives under `/api`; the SPA and the widget are served outside it. */
export const API_PREFIX = 'api';
