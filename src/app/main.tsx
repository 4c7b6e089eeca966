// Entry point of the notebook page.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { registerServiceWorker } from './offline';
import { preloadPlotlyWhenIdle } from './plotly';
import './layout.css';
import './theme.css'; // after layout.css: its light and dark variables are the ones that count
import { installTestHook } from './testHook';
import { startWorker } from './workerClient';

installTestHook();
registerServiceWorker();
startWorker();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
preloadPlotlyWhenIdle();
