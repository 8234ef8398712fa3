// Whether a new deployment's service worker is installed and waiting for this page to take it (see register.ts).
export const fieldWorkerState = $state({ updateReady: false });

let take: (() => void) | null = null;

export function offerUpdate(apply: () => void): void {
  take = apply;
  fieldWorkerState.updateReady = true;
}

/** Switches to the waiting version: the page reloads once it controls the page. */
export function applyUpdate(): void {
  take?.();
}
