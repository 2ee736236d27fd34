import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@solidjs/testing-library';
import { ConfirmHost, confirmAction } from '../src/components/confirm';

afterEach(cleanup);

describe('confirmation dialog', () => {
  it('resolves true on confirm, false on cancel or Escape, and focuses the confirm button', async () => {
    render(() => <ConfirmHost />);
    const first = confirmAction({ title: 'Cancel this run?', message: 'm', confirmLabel: 'Cancel run', danger: true });
    const dialog = await screen.findByRole('alertdialog', { name: 'Cancel this run?' });
    const confirm = screen.getByRole('button', { name: 'Cancel run' });
    expect(document.activeElement).toBe(confirm);
    fireEvent.click(confirm);
    await expect(first).resolves.toBe(true);
    expect(dialog.isConnected).toBe(false);

    const second = confirmAction({ title: 'Retry?', message: 'm', confirmLabel: 'Retry run' });
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    await expect(second).resolves.toBe(false);

    const third = confirmAction({ title: 'Replay?', message: 'm', confirmLabel: 'Replay' });
    await screen.findByRole('alertdialog');
    fireEvent.keyDown(document, { key: 'Escape' });
    await expect(third).resolves.toBe(false);
  });
});
