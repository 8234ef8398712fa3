// Camera photos made small before they are queued: a 12-megapixel JPEG would not fit the outbox's storage nor a weak
// signal. The residents' page sends the same small JPEG (shrinkPhoto), the phone's outbox keeps it as base64.
const MAX_SIDE = 1600;
const QUALITY = 0.82;

/** Downscales to at most 1600 px on the long side as JPEG; a format the browser cannot draw is sent as it is (the server checks the type). */
export async function shrinkPhoto(file: File): Promise<Blob> {
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

/** The shrunk photo as base64 (no data: prefix) and its type, for the outbox. */
export async function preparePhoto(file: File): Promise<{ base64: string; contentType: string }> {
  const blob = await shrinkPhoto(file);
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { base64: btoa(bin), contentType: blob.type || file.type || 'image/jpeg' };
}
