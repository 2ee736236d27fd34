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

export const N8N_PATHS = { set: 'bench-set', code40: 'bench-code40', loop: 'bench-loop' } as const;

function webhookNode(path: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: randomUUID(),
    name: 'Webhook',
    type: 'n8n-nodes-base.webhook',
    typeVersion: 2,
    position: [0, 0],
    webhookId: randomUUID(),
    // lastNode: the HTTP answer is sent when the run has finished, so its latency is request → completion.
    parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', options: {}, ...extra },
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

/**
 * Webhook → Split Out (body.items) → Loop Over Items (one item per batch) → Set → back to the loop;
 * its "done" branch ends in a No-op, the last node, so the HTTP answer comes when every item is
 * through: the peer of Conduit's for_each of one update_record (scenario 8).
 */
export function loopWorkflow(id: string): N8nWorkflow {
  const node = (name: string, type: string, typeVersion: number, x: number, parameters: Record<string, unknown>) => ({
    id: randomUUID(),
    name,
    type,
    typeVersion,
    position: [x, 0],
    parameters,
  });
  return {
    id,
    name: 'bench: loop over items → set',
    active: false,
    settings: { executionOrder: 'v1' },
    nodes: [
      // allEntries: answer with every item the Done node received, so the bench can count them.
      webhookNode(N8N_PATHS.loop, { responseData: 'allEntries' }),
      node('Split Out', 'n8n-nodes-base.splitOut', 1, 220, { fieldToSplitOut: 'body.items', options: {} }),
      node('Loop Over Items', 'n8n-nodes-base.splitInBatches', 3, 440, { batchSize: 1, options: {} }),
      node('Set', 'n8n-nodes-base.set', 3.4, 660, {
        assignments: { assignments: [{ id: randomUUID(), name: 'n', value: '={{ $json.items }}', type: 'string' }] },
        options: {},
      }),
      node('Done', 'n8n-nodes-base.noOp', 1, 660, {}),
    ],
    connections: {
      Webhook: link('Split Out'),
      'Split Out': link('Loop Over Items'),
      // Loop Over Items v3: output 0 is "done", output 1 is "loop".
      'Loop Over Items': {
        main: [[{ node: 'Done', type: 'main', index: 0 }], [{ node: 'Set', type: 'main', index: 0 }]],
      },
      Set: link('Loop Over Items'),
    },
  };
}
