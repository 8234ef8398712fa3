// Imported before any schema is built: the CSP allows no eval, and zod must not even probe for it (the probe alone is
// reported as a violation). Parsing is a little slower without its compiled fast path; forms do not notice.
import { z } from 'zod';

z.config({ jitless: true });
