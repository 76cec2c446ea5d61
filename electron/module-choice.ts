/**
 * Which PKCS#11 modules the renderer may load. configureTokenModule loads a shared
 * library into the bridge, so a compromised renderer must not name one: the main
 * process offers the libraries of the profile file that exist on this machine, plus any
 * file the officer picks in the native dialog the main process opens, and the IPC check
 * refuses every other path. The CLI, which an officer types into, still takes any path.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { ErrorData } from '../core/api/errors.ts';
import type { TokenModuleChoice } from '../core/api/bridge.ts';
import { libraryCandidates, type ModuleProfile } from '../core/pkcs11/profiles.ts';

/** The profile libraries for this platform that exist here, each once. */
export function profileChoices(profiles: readonly ModuleProfile[], platform: NodeJS.Platform, exists: (path: string) => boolean): TokenModuleChoice[] {
  const seen = new Set<string>();
  const out: TokenModuleChoice[] = [];
  for (const p of profiles) {
    for (const modulePath of libraryCandidates(p, platform)) {
      if (seen.has(modulePath) || !exists(modulePath)) continue;
      seen.add(modulePath);
      out.push({ modulePath, profileId: p.id, name: p.name });
    }
  }
  return out;
}

/** The offer for one run of the app: the profiles' libraries and what the officer picked. */
export class ModuleChoices {
  private readonly picked = new Map<string, TokenModuleChoice>();

  constructor(private readonly fromProfiles: () => TokenModuleChoice[]) {}

  list(): TokenModuleChoice[] {
    const listed = this.fromProfiles();
    const known = new Set(listed.map((c) => c.modulePath));
    return [...listed, ...[...this.picked.values()].filter((c) => !known.has(c.modulePath))];
  }

  /** A file the officer chose in the main process's dialog (never a path the renderer sent). */
  addPicked(modulePath: string): TokenModuleChoice {
    const choice = { modulePath, profileId: 'picked', name: basename(modulePath) };
    this.picked.set(modulePath, choice);
    return choice;
  }

  offers(modulePath: string): boolean {
    return this.picked.has(modulePath) || this.fromProfiles().some((c) => c.modulePath === modulePath);
  }
}

export function defaultModuleChoices(profiles: () => readonly ModuleProfile[]): ModuleChoices {
  return new ModuleChoices(() => profileChoices(profiles(), process.platform, existsSync));
}

/** The module rule of the IPC door: configureTokenModule only with an offered path. */
export function checkModuleChoice(name: string, request: unknown, offers: (modulePath: string) => boolean): ErrorData | null {
  if (name !== 'configureTokenModule') return null;
  const modulePath = (request as { modulePath?: unknown } | null)?.modulePath;
  if (typeof modulePath === 'string' && offers(modulePath)) return null;
  return {
    code: 'InvalidParameter',
    message: 'modulePath: choose one of the modules the application offers (a listed profile, or a file picked with Browse…)',
    details: { field: 'modulePath' },
  };
}
