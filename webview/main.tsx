// Webview entry: connects to the extension through `acquireVsCodeApi`, renders the chat, and asks for the current
// state with `ready` (the answer, `hello`, says which thread to rebuild from the host).
import { render } from 'preact';
import type { VsCodeApi } from './bridge-client';
import { ChatController } from './controller';
import { App } from './ui/App';
import { wireDomActions } from './dom-actions';

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
const controller = new ChatController(api);
const root = document.getElementById('root')!;
render(<App c={controller} />, root);
wireDomActions(root, controller);
window.addEventListener('pagehide', () => controller.ui.flush());
controller.start();
