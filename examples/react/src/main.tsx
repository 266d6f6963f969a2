/**
 * The React example's entry: the app in `<StrictMode>`, whose double mount must still open one
 * connection (the hook opens the stream in an effect and closes it in the cleanup).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import './style.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
