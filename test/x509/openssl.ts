// The OpenSSL CLI as the independent peer for the x509 tests: a temp folder per use,
// removed by `cleanup()`, and a runner that fails loudly with OpenSSL's own stderr.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SM2_ID = '1234567812345678';
let serialCounter = 0x1000;

export class OpensslDir {
  readonly dir = mkdtempSync(join(tmpdir(), 'kw-x509-'));
  path(name: string): string {
    return join(this.dir, name);
  }
  run(args: string[], input?: string | Uint8Array): string {
    return execFileSync('openssl', args, { cwd: this.dir, input, stdio: ['pipe', 'pipe', 'pipe'] }).toString('utf8');
  }
  /** Runs and returns the exit status with stdout+stderr, for checks expected to fail. */
  tryRun(args: string[]): { ok: boolean; out: string } {
    const r = spawnSync('openssl', args, { cwd: this.dir, stdio: ['pipe', 'pipe', 'pipe'] });
    return { ok: r.status === 0, out: `${r.stdout?.toString() ?? ''}${r.stderr?.toString() ?? ''}` };
  }
  /**
   * `openssl req -verify` in OpenSSL 3.0 exits 0 even when the signature fails, so the
   * verdict is read from its message.
   */
  csrVerifies(csrFile: string, extra: string[] = []): boolean {
    const r = this.tryRun(['req', '-verify', '-in', csrFile, '-noout', ...extra]);
    return r.ok && /verify OK/.test(r.out) && !/failure/.test(r.out);
  }
  write(name: string, data: string | Uint8Array): string {
    writeFileSync(this.path(name), data);
    return this.path(name);
  }
  read(name: string): Buffer {
    return readFileSync(this.path(name));
  }
  text(name: string): string {
    return readFileSync(this.path(name), 'utf8');
  }
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** A self-signed CA: key type 'rsa:2048' | 'ec' | 'sm2'. Writes NAME.key and NAME.pem. */
  selfSignedCa(name: string, keyType: 'rsa:2048' | 'ec' | 'sm2', subj: string, extra: string[] = []): void {
    const keyArgs = keyType === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', keyType];
    const sigArgs = keyType === 'sm2' ? ['-sm3', '-sigopt', `distid:${SM2_ID}`] : ['-sha256'];
    // Default CA extensions, unless `extra` sets its own of the same kind.
    const defaults = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign']
      .filter((e) => !extra.some((x) => x.startsWith(e.slice(0, e.indexOf('=') + 1))))
      .flatMap((e) => ['-addext', e]);
    this.run(['req', '-x509', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-subj', subj, '-days', '3650',
      ...sigArgs, ...defaults, ...extra]);
  }

  /**
   * Signs CSR file `csr` with CA `ca` into `out` (PEM). SM2 CA keys sign with SM3 and the
   * default id; SM2 requests are checked with that id (OpenSSL assumes none otherwise).
   */
  signCsr(csr: string, ca: string, out: string, opts: { days?: number; ext?: string; serial?: string } = {}): void {
    const extFile = this.write(`${out}.ext`, opts.ext ?? 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n');
    const caSm2 = this.run(['pkey', '-in', `${ca}.key`, '-noout', '-text']).includes('ASN1 OID: SM2');
    const csrSm2 = this.run(['req', '-in', csr, '-noout', '-text']).includes('ASN1 OID: SM2');
    const sig = caSm2 ? ['-sm3', '-sigopt', `distid:${SM2_ID}`] : ['-sha256'];
    const vfy = csrSm2 ? ['-vfyopt', `distid:${SM2_ID}`] : [];
    this.run(['x509', '-req', '-in', csr, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-out', out, '-days', String(opts.days ?? 365),
      '-set_serial', opts.serial ?? '0x' + (++serialCounter).toString(16) + '5eed', '-extfile', extFile, ...sig, ...vfy]);
  }

  /** New key NAME.key + request NAME.csr, then NAME.pem issued by CA `ca` with the given extensions. */
  issue(name: string, keyType: 'rsa:2048' | 'ec' | 'sm2', subj: string, ca: string, opts: { days?: number; ext?: string } = {}): void {
    const keyArgs = keyType === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', keyType];
    const sigArgs = keyType === 'sm2' ? ['-sm3', '-sigopt', `distid:${SM2_ID}`] : [];
    this.run(['req', '-new', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj, ...sigArgs]);
    this.signCsr(`${name}.csr`, ca, `${name}.pem`, opts);
  }
}
