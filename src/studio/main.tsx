// Entry of the studio bundle (scripts/build-studio.mjs).
import { render } from 'preact';
import { App } from './app.js';

render(<App />, document.getElementById('app')!);
