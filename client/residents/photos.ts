// The resident's photos: made small on the phone before sending (a 12-megapixel shot would not get through a weak
// signal), each sent on its own with its own idempotency key so a retry never stores it twice.
const MAX_SIDE = 1600;
const QUALITY = 0.82;

export interface PickedPhoto { id: string; blob: Blob; url: string; key: string }

/** Downscales to at most 1600 px on the long side as JPEG; a format the browser cannot draw is sent as it is. */
export async function shrink(file: File): Promise<Blob> {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encode failed'))), 'image/jpeg', QUALITY));
  } catch {
    return file;
  }
}

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
