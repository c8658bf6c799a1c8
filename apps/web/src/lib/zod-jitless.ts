import { config } from 'zod';

// Zod probes `new Function('')` to decide whether to compile fast object parsers, and decides when a
// schema is constructed. The page's Content-Security-Policy (no 'unsafe-eval') refuses the probe and
// the browser logs that refusal as an error, so the SPA runs zod without code generation. This module
// is imported first by main.tsx: it evaluates before any module that builds schemas.
config({ jitless: true });
