/**
 * The built renderer, read once into memory. Both doors (the browser shell and
 * Electron's app:// protocol) serve only what is in this table, so no request path is
 * ever joined onto the file system and traversal is impossible by construction.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { KwError } from '../api/errors.ts';
import { RENDERER_CONTENT_TYPES } from './csp.ts';

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

export type StaticFiles = ReadonlyMap<string, StaticFile>;

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** Maps URL paths ('/', '/app.js', ...) to file bodies; files of unknown types are left out. */
export function loadRendererFiles(dir: string): StaticFiles {
  let files: string[];
  try {
    files = walk(dir);
  } catch {
    throw new KwError('InternalError', 'the renderer is not built; run `npm run build`');
  }
  const map = new Map<string, StaticFile>();
  for (const f of files) {
    const contentType = RENDERER_CONTENT_TYPES[extname(f).toLowerCase()];
    if (!contentType) continue;
    const urlPath = '/' + relative(dir, f).split(sep).join('/');
    map.set(urlPath, { body: readFileSync(f), contentType });
  }
  const index = map.get('/index.html');
  if (!index) throw new KwError('InternalError', 'the renderer build has no index.html; run `npm run build`');
  map.set('/', index);
  return map;
}

/** Looks a request path up, ignoring the query string; undefined when not served. */
export function lookupStatic(files: StaticFiles, rawPath: string): StaticFile | undefined {
  const q = rawPath.indexOf('?');
  const path = q >= 0 ? rawPath.slice(0, q) : rawPath;
  return files.get(path);
}
