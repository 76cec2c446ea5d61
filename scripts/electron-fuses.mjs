// electron-builder afterPack hook (electron-builder.yml `afterPack`): flips the Electron
// fuses of the packaged binary before it is signed. The fuses are read-only bits in the
// binary, so a packaged Keywarden cannot be turned into a plain Node runtime
// (ELECTRON_RUN_AS_NODE; the PKCS#11 worker runs as a utility process instead), fed
// NODE_OPTIONS or --inspect flags, or made to load app code from anywhere but its
// integrity-checked app.asar.
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { Arch } from 'builder-util';

export const FUSES = Object.freeze({
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // Pages come from the app:// protocol, never file://.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
});

/** @param {import('app-builder-lib').AfterPackContext} context */
export default async function afterPack(context) {
  // Apple Silicon refuses a binary whose ad-hoc signature no longer matches its bytes.
  const resetAdHocDarwinSignature = context.electronPlatformName === 'darwin' && context.arch === Arch.arm64;
  await context.packager.addElectronFuses(context, { ...FUSES, resetAdHocDarwinSignature });
}
