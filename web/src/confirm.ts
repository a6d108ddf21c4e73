// A confirmation dialog in the page's own style, used before actions that cannot be undone.

import { byId } from './dom';

/** Asks the user to confirm; resolves to true only when the confirm button was pressed. */
export function confirmAction(message: string, confirmLabel: string): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>('confirm-dialog');
  byId('confirm-message').textContent = message;
  byId('confirm-ok').textContent = confirmLabel;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
    dialog.showModal();
    byId('confirm-cancel').focus();
  });
}
