import { composeApi } from '../api/compose';

/** Downloads the workflow's export file (definition only) as <name>.workflow.json. */
export async function downloadExport(ws: string, id: string): Promise<void> {
  const file = await composeApi.exportFile(ws, id);
  const slug =
    file.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'workflow';
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(file, null, 2)}\n`], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${slug}.workflow.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
