import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getBridge } from './api';
import { App } from './App';
import { MissingBridge } from './screens/MissingBridge';
import './styles.css';

const container = document.getElementById('root');
if (container) {
  createRoot(container).render(<StrictMode>{getBridge() ? <App /> : <MissingBridge />}</StrictMode>);
}
