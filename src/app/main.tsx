// Entry point of the notebook page.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { registerServiceWorker } from './offline';
import './layout.css';
import './theme.css'; // after layout.css: its light and dark variables are the ones that count
import './sweep/sweepClient'; // the sweep driver: continues an unfinished sweep after a reload, whichever view is open
import { installTestHook } from './testHook';
import { rememberUi } from './uiMemory';
import { startWorker } from './workerClient';

rememberUi(); // the recipe and Compare ticks of before the reload, before the first render
installTestHook();
registerServiceWorker();
startWorker();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
