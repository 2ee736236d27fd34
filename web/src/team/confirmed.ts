import { errorText } from '../api/client';
import { confirmAction } from '../components/confirm';

/**
 * Asks, then acts: on success focus goes to `focusId` (the row that had it may be gone); on
 * failure the error is handed back in words for the row. False when the person cancelled.
 */
export async function confirmed(
  ask: Parameters<typeof confirmAction>[0],
  act: () => Promise<unknown>,
  o: { focusId: string; onError: (text: string) => void },
): Promise<boolean> {
  if (!(await confirmAction(ask))) return false;
  try {
    await act();
    document.getElementById(o.focusId)?.focus();
    return true;
  } catch (err) {
    o.onError(errorText(err));
    return false;
  }
}
