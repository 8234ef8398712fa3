// Client entry: the bundled CJK font (intranet PCs often lack one), global styles, and the app.
import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
import 'leaflet/dist/leaflet.css';
import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';

mount(App, { target: document.getElementById('app')! });
