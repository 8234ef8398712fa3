// Renders the field pages' icon (client/public/icons/icon.svg) to the PNG sizes the web app manifests name, in
// headless Chromium (no image tool needed). Run after changing the SVG: npx tsx scripts/icons.ts
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../test/helpers/browser.ts';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../client/public/icons');
const svg = await readFile(path.join(dir, 'icon.svg'), 'utf8');
const browser = await launchBrowser();
try {
  // "maskable": the launcher may cut a circle out of it, so the artwork keeps to the inner 80 % on a full-bleed ground.
  const variants = [
    { file: 'icon-192.png', size: 192, maskable: false },
    { file: 'icon-512.png', size: 512, maskable: false },
    { file: 'maskable-512.png', size: 512, maskable: true },
    { file: 'apple-touch-icon.png', size: 180, maskable: true },
  ];
  for (const v of variants) {
    const page = await browser.newPage({ viewport: { width: v.size, height: v.size } });
    const img = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    const inner = v.maskable ? 0.8 : 1;
    await page.setContent(`<body style="margin:0;background:${v.maskable ? '#0c1526' : 'transparent'}"><img src="${img}" style="display:block;width:${v.size * inner}px;height:${v.size * inner}px;margin:${(v.size * (1 - inner)) / 2}px"></body>`);
    await page.screenshot({ path: path.join(dir, v.file), omitBackground: !v.maskable });
    await page.close();
    console.log(v.file);
  }
} finally {
  await browser.close();
}
