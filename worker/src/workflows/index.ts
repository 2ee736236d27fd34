// Entry of the workflow bundle: every workflow the worker registers, by the names core shares.
export { runWorkflow } from './run-workflow';
