// Renderer entry: global styles, then the app shell. The engine connection (lib/engine.ts) opens
// itself on first import, whichever transport this page runs on.
import { mount } from 'svelte';
import App from './App.svelte';
import './styles.css';

mount(App, { target: document.getElementById('app')! });
