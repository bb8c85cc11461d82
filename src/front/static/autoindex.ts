// `autoindex on`: a directory without an index file, listed as a simple HTML page in nginx's
// manner (directories first, then files, by name; date and size). Names are escaped for
// HTML and percent-encoded in links, so a file called `<script>` is text, not markup.

import fs from 'node:fs/promises';
import { checkSegments } from './path-map.ts';

type Item = { name: string; dir: boolean; mtime: number; size: number };

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function date(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}-${months[d.getUTCMonth()]}-${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

/** The listing page of `dir`, shown as the request path `uri` (which ends in `/`). */
export async function listDirectory(dir: string, uri: string, dotfiles: boolean): Promise<string> {
  const names = await fs.readdir(dir);
  const items: Item[] = [];
  await Promise.all(
    names.map(async (name) => {
      // What would not be served is not listed (hidden files, names edge refuses).
      if (checkSegments(`/${name}`, false, dotfiles) !== null) return;
      try {
        const s = await fs.stat(`${dir}/${name}`);
        items.push({ name, dir: s.isDirectory(), mtime: s.mtimeMs, size: s.size });
      } catch {
        // A broken link or a file gone meanwhile: not listed.
      }
    }),
  );
  items.sort((a, b) => (a.dir === b.dir ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.dir ? -1 : 1));
  const title = `Index of ${escapeHtml(uri)}`;
  let rows = uri === '/' ? '' : '<a href="../">../</a>\n';
  for (const item of items) {
    const label = item.dir ? `${item.name}/` : item.name;
    const href = encodeURIComponent(item.name) + (item.dir ? '/' : '');
    const pad = ' '.repeat(Math.max(1, 51 - label.length));
    const size = item.dir ? '-' : String(item.size);
    rows += `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>${pad}${date(item.mtime)} ${size.padStart(19)}\n`;
  }
  return `<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"><title>${title}</title></head>\n<body>\n<h1>${title}</h1><hr><pre>${rows}</pre><hr>\n</body>\n</html>\n`;
}
