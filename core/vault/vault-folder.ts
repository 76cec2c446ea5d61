/**
 * The vault folder and its catalogue files on disk. The folder is made 0700 when we make
 * it; the catalogue and SQLite's -wal/-shm files (which SQLite creates with the main
 * file's mode) are kept 0600 whoever made the folder, and a folder others can read or
 * enter is reported as a process warning rather than silently trusted.
 */
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { KwError } from '../api/errors.ts';

export const FOLDER_WARNING_CODE = 'KW_VAULT_FOLDER_MODE';
const POSIX = process.platform !== 'win32';

function folderError(dir: string, why: string): KwError {
  return new KwError('VaultFolderInvalid', `vault folder ${dir}: ${why}`, { path: dir });
}

/** Makes (0700) or checks the folder; a regular file or an unusable path is a typed error naming it. */
export function prepareVaultFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw folderError(dir, code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way (not a folder)' : `cannot be created (${code ?? 'error'})`);
  }
  const st = statSync(dir);
  if (!st.isDirectory()) throw folderError(dir, 'is not a folder');
  if (POSIX && (st.mode & 0o077) !== 0) {
    process.emitWarning(`vault folder ${dir} is accessible to group or others (mode ${(st.mode & 0o777).toString(8)}); chmod 700 it`, { code: FOLDER_WARNING_CODE });
  }
}

/** Creates the catalogue file 0600 before SQLite opens it, and tightens older files left wider. */
export function privateCatalogueFiles(file: string): void {
  if (!POSIX) return;
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    let mode: number;
    try {
      mode = statSync(f).mode & 0o777;
    } catch {
      continue;
    }
    if ((mode & 0o077) !== 0) chmodSync(f, mode & 0o700);
  }
}
