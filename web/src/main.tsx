// First: configures zod for the CSP before any module parses with it.
import './csp';
import { render } from 'solid-js/web';
import { App } from './app/App';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
render(() => <App />, root);
