import { randomUUID } from 'node:crypto';

/** n8n workflow JSON as `n8n import:workflow` takes it (only the fields the bench sets). */
export type N8nWorkflow = {
  id: string;
  name: string;
  active: boolean;
  nodes: Array<Record<string, unknown>>;
  connections: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }>;
  settings: Record<string, unknown>;
};

export const N8N_PATHS = { set: 'bench-set', code40: 'bench-code40' } as const;

function webhookNode(path: string): Record<string, unknown> {
  return {
    id: randomUUID(),
    name: 'Webhook',
    type: 'n8n-nodes-base.webhook',
    typeVersion: 2,
    position: [0, 0],
    webhookId: randomUUID(),
    // lastNode: the HTTP answer is sent when the run has finished, so its latency is request → completion.
    parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} },
  };
}

const link = (to: string) => ({ main: [[{ node: to, type: 'main' as const, index: 0 }]] });

/** Webhook → Set: the peer of Conduit's webhook → update_record (scenarios 1 and 2). */
export function webhookSetWorkflow(id: string): N8nWorkflow {
  return {
    id,
    name: 'bench: webhook → set',
    active: false,
    settings: { executionOrder: 'v1' },
    nodes: [
      webhookNode(N8N_PATHS.set),
      {
        id: randomUUID(),
        name: 'Set',
        type: 'n8n-nodes-base.set',
        typeVersion: 3.4,
        position: [220, 0],
        parameters: {
          assignments: { assignments: [{ id: randomUUID(), name: 'n', value: '={{ $json.body.n }}', type: 'string' }] },
          options: {},
        },
      },
    ],
    connections: { Webhook: link('Set') },
  };
}

/** Webhook → forty chained Code nodes: the peer of Conduit's 40 sequential light steps (scenario 3). */
export function codeChainWorkflow(id: string, steps = 40): N8nWorkflow {
  const nodes: Array<Record<string, unknown>> = [webhookNode(N8N_PATHS.code40)];
  const connections: N8nWorkflow['connections'] = {};
  let prev = 'Webhook';
  for (let i = 1; i <= steps; i++) {
    const name = `Code${i}`;
    nodes.push({
      id: randomUUID(),
      name,
      type: 'n8n-nodes-base.code',
      typeVersion: 2,
      position: [220 * i, 0],
      parameters: { jsCode: `return [{ json: { step: ${i} } }];` },
    });
    connections[prev] = link(name);
    prev = name;
  }
  return { id, name: `bench: ${steps} code nodes`, active: false, settings: { executionOrder: 'v1' }, nodes, connections };
}
