// The one way a photo enters the product (staff and responders today, residents' reports next): its type read from its
// bytes (file-type), decoded within a pixel limit, turned upright and re-encoded by sharp, which drops every piece of
// metadata (EXIF with its GPS position, XMP, IPTC, comments and whatever else was hidden in the file).
import type { IncomingMessage } from 'node:http';
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import type { Metadata } from 'sharp';
import { AppError } from '../../shared/errors.ts';
import type { Config } from '../config.ts';

/** What a photo may be, by content; it is stored and served as the same format, re-encoded. */
export const PHOTO_FORMATS = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const;
export type PhotoFormat = keyof typeof PHOTO_FORMATS;
export type PhotoType = (typeof PHOTO_FORMATS)[PhotoFormat];
const BY_MIME = new Map<string, PhotoFormat>(Object.entries(PHOTO_FORMATS).map(([f, m]) => [m, f as PhotoFormat]));
/** Longer side of a stored photo: plenty to read a scene on a console, and a bound on what each row holds. */
export const PHOTO_MAX_SIDE = 2048;

export type PhotoLimits = Pick<Config, 'photoMaxBytes' | 'photoMaxPixels'>;
export interface CleanPhoto { bytes: Buffer; contentType: PhotoType; width: number; height: number }

const names = 'JPEG, PNG or WebP';
// Loaded on the first photo, not at start: libvips is ~0.5 s of a restart that screens are waiting on.
const libs = () => Promise.all([import('sharp'), import('file-type')]).then(([s, f]) => ({ sharp: s.default, fileTypeFromBuffer: f.fileTypeFromBuffer }));
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB`;

/**
 * Reads a request's body as a photo and cleans it (below). Call it only once the caller is known to be allowed:
 * until then the body stays unread. The Content-Type header only has to say it is an image; the bytes decide which.
 */
export async function readPhotoBody(req: IncomingMessage, limits: PhotoLimits): Promise<CleanPhoto> {
  const declared = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!declared.startsWith('image/') && declared !== 'application/octet-stream') {
    throw new AppError('unsupported_media', `photo must be sent as its image bytes (Content-Type image/…), not ${declared || 'nothing'}`);
  }
  const length = Number(req.headers['content-length'] ?? NaN);
  if (length > limits.photoMaxBytes) throw new AppError('too_large', `photo is ${mb(length)}; at most ${mb(limits.photoMaxBytes)}`);
  let bytes: Buffer;
  try {
    bytes = await getRawBody(req, { limit: limits.photoMaxBytes, length: Number.isFinite(length) ? length : undefined });
  } catch (e) {
    if ((e as { type?: string }).type === 'entity.too.large') throw new AppError('too_large', `photo is larger than ${mb(limits.photoMaxBytes)}`);
    throw e;
  }
  return cleanPhoto(bytes, limits);
}

/** Checks and re-encodes image bytes: 400 empty, 415 not a JPEG/PNG/WebP image, 413 too many pixels. */
export async function cleanPhoto(bytes: Buffer, limits: PhotoLimits): Promise<CleanPhoto> {
  if (bytes.length === 0) throw new AppError('bad_request', 'photo is empty');
  if (bytes.length > limits.photoMaxBytes) throw new AppError('too_large', `photo is ${mb(bytes.length)}; at most ${mb(limits.photoMaxBytes)}`);
  const { sharp, fileTypeFromBuffer } = await libs();
  const sniffed = await fileTypeFromBuffer(bytes);
  const format = sniffed && BY_MIME.get(sniffed.mime);
  if (!format) {
    throw new AppError('unsupported_media', `photo must be a ${names} image; this file is ${sniffed ? sniffed.mime : 'not an image this server can read'}`);
  }
  // The header's dimensions first (no pixel is decoded yet): a small file may claim a huge image (a decompression bomb).
  let meta: Metadata;
  try { meta = await sharp(bytes).metadata(); } catch { throw unreadable(); }
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (meta.format !== format || pixels === 0) throw unreadable();
  if (pixels > limits.photoMaxPixels) {
    throw new AppError('too_large', `photo is ${meta.width}×${meta.height} (${(pixels / 1e6).toFixed(1)} megapixels); at most ${(limits.photoMaxPixels / 1e6).toFixed(0)} megapixels`);
  }
  try {
    // autoOrient applies the EXIF orientation to the pixels before the metadata goes, so a phone's portrait photo
    // stays upright; no keep*/withMetadata call, so nothing of the input's metadata is written out.
    const { data, info } = await sharp(bytes, { limitInputPixels: limits.photoMaxPixels, animated: false })
      .autoOrient()
      .resize({ width: PHOTO_MAX_SIDE, height: PHOTO_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .toFormat(format, format === 'png' ? { compressionLevel: 9 } : { quality: 82 })
      .toBuffer({ resolveWithObject: true });
    return { bytes: data, contentType: PHOTO_FORMATS[format], width: info.width, height: info.height };
  } catch {
    throw unreadable();
  }
}

function unreadable() {
  return new AppError('unsupported_media', `photo could not be read as a ${names} image (damaged or disguised)`);
}

/**
 * Sends a stored photo: its stored type, never sniffed, never rendered as a page (a sandboxing CSP that allows nothing),
 * offered as a file named after it, readable by this origin only.
 */
export function sendPhoto(ctx: Context, photo: { id: string; bytes: Buffer; contentType: string }) {
  const format = BY_MIME.get(photo.contentType);
  ctx.type = format ? photo.contentType : 'application/octet-stream';
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
  ctx.set('Content-Disposition', `inline; filename="photo-${photo.id}.${format === 'jpeg' ? 'jpg' : (format ?? 'bin')}"`);
  ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
  ctx.set('Cache-Control', 'private, max-age=86400');
  ctx.body = photo.bytes;
}
