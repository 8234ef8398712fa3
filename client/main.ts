// Client entry, in two steps so the wall's live socket does not wait behind the app's start-up: the socket opens first
// (live/preconnect.ts), and only once its handshake is on its way is the app evaluated and mounted (chunks of their
// own, a few hundred ms of main-thread work, preloaded by index.html). The server reads the snapshot meanwhile.
// The bundled CJK font (intranet PCs often lack one) and the styles load from the page head as before.
import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
import 'leaflet/dist/leaflet.css';
import './app.css';
import { earlyHandshake } from './live/preconnect.ts';

void earlyHandshake(300).then(() => import('./app.ts'));
