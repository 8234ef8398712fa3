// The app itself: the Svelte root, in a chunk of its own that main.ts loads once the wall's socket has had its turn.
import { mount } from 'svelte';
import App from './App.svelte';
import { startFieldWorker } from './pwa/register.ts';

mount(App, { target: document.getElementById('app')! });
startFieldWorker();
