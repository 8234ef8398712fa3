// The resident's photos: made small on the phone before sending (a 12-megapixel shot would not get through a weak
// signal), each sent on its own with its own idempotency key so a retry never stores it twice.
export interface PickedPhoto { id: string; blob: Blob; url: string; key: string }

/** Sends one photo; retried on a lost connection or a server hiccup, never on a refusal (which says why). */
export async function uploadPhoto(code: string, p: PickedPhoto, tries = 4): Promise<{ ok: true } | { ok: false; message: string }> {
  for (let i = 0; i < tries; i++) {
    try {
      const res = await fetch(`/api/public/track/${encodeURIComponent(code)}/photos`, {
        method: 'POST', headers: { 'content-type': p.blob.type || 'image/jpeg', 'idempotency-key': p.key }, body: p.blob,
      });
      if (res.ok) return { ok: true };
      const body = await res.json().catch(() => null) as { error?: { message?: string } } | null;
      if (res.status < 500 && res.status !== 429) return { ok: false, message: body?.error?.message ?? `HTTP ${res.status}` };
    } catch { /* network: try again */ }
    await new Promise((r) => setTimeout(r, 800 * 2 ** i));
  }
  return { ok: false, message: 'network' };
}
