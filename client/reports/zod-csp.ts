// Imported first by the reports pages: they run under a CSP without 'unsafe-eval', and zod decides whether to compile
// its parsers with new Function() when a schema is built (shared/reports.ts), so the switch must come before that.
import { z } from 'zod';

z.config({ jitless: true });
