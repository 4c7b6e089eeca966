// Entry point of the notebook page.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './layout.css';
import { installTestHook } from './testHook';
import { startWorker } from './workerClient';

installTestHook();
startWorker();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
