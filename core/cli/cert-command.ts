/**
 * `kw cert …` and `kw ukey …`: friendly shorthands for the certificate operations. Files
 * are read here and handed to the contract as text; PKCS#12 passwords come from
 * KW_P12_PASSWORD, --password-file or a prompt, never argv. `kw ukey certs|import` read
 * certificate objects off a token through the PKCS#11 bridge (no login: certificates are
 * public objects) and import them as UKey certificates.
 */
import { parseArgs } from 'node:util';
import { KwError } from '../api/errors.ts';
import { TokenBridge } from '../pkcs11/bridge.ts';
import { parseCertificate, pemEncode } from '../x509/index.ts';
import { readSecret } from './secrets.ts';
import { readInputFile, readInputText, writeOutputFile } from './files.ts';
import { exportCertificateKey } from './secret-commands.ts';

export const CERT_USAGE = `  kw [--vault DIR] cert create --cn CN --c CC --o O --ou OU [--ou OU]... [--st ST] [--l L] [--e MAIL] [--san dns:NAME|ip:ADDR|email:MAIL]...
                       --spec RSA_2048|EC_P256|SM2 [--exportable] [--name NAME] [--csr-out FILE]
                       [--protection SOFTWARE|HSM [--token-label LABEL]]   (HSM: key pair generated on the token, logs in first)
  kw [--vault DIR] cert import --id CERT_ID --cert FILE [--chain FILE]
  kw [--vault DIR] cert import-p12 --in FILE [--exportable] [--name NAME]   (password: KW_P12_PASSWORD, --password-file, prompt)
  kw [--vault DIR] cert list [--status S] [--spec SPEC] [--search TEXT] [--expiring DAYS] [--page N] [--page-size N]
  kw [--vault DIR] cert describe CERT_ID
  kw ukey certs --module PATH --token-label LABEL                            certificate objects on a token
  kw [--vault DIR] ukey import (--in FILE | --module PATH --token-label LABEL --object-id HEX) [--chain FILE] [--name NAME]
                       without a chain that verifies it the certificate is recorded chain unverified
  kw [--vault DIR] cert import-chain CERT_ID --chain FILE                    verify a certificate or UKey certificate with its issuing chain
  kw [--vault DIR] ukey list [--status S] [--search TEXT]
`;

type Call = (op: string, req: unknown) => Promise<unknown>;

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: {
      vault: { type: 'string' }, 'passphrase-file': { type: 'string' }, 'password-file': { type: 'string' },
      cn: { type: 'string' }, c: { type: 'string' }, o: { type: 'string' }, ou: { type: 'string', multiple: true }, st: { type: 'string' },
      l: { type: 'string' }, e: { type: 'string' }, san: { type: 'string', multiple: true }, spec: { type: 'string' }, exportable: { type: 'boolean' },
      name: { type: 'string' }, 'csr-out': { type: 'string' }, id: { type: 'string' }, cert: { type: 'string' }, chain: { type: 'string' },
      in: { type: 'string' }, status: { type: 'string' }, search: { type: 'string' }, expiring: { type: 'string' }, page: { type: 'string' },
      'page-size': { type: 'string' }, module: { type: 'string' }, 'token-label': { type: 'string' }, 'object-id': { type: 'string' },
      protection: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' },
    },
  });
  const s = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const many = (k: string): string[] => (Array.isArray(values[k]) ? (values[k] as unknown[]).filter((x): x is string => typeof x === 'string') : []);
  return { s, many, flag: (k: string) => values[k] === true };
}

function readText(path: string | undefined, flag: string): string {
  if (!path) throw new KwError('MissingParameter', `give ${flag} FILE`);
  return readInputText(path, flag);
}

const optional = <K extends string>(key: K, v: string | undefined) => (v === undefined ? {} : ({ [key]: v } as Record<K, string>));
const optionalNumber = <K extends string>(key: K, v: string | undefined) => (v === undefined ? {} : ({ [key]: Number(v) } as Record<K, number>));

function sanOf(text: string): { type: string; value: string } {
  const i = text.indexOf(':');
  if (i < 1) throw new KwError('InvalidParameter', '--san takes dns:NAME, ip:ADDR or email:MAIL');
  return { type: text.slice(0, i).toLowerCase(), value: text.slice(i + 1) };
}

export async function certCommand(sub: string | undefined, rest: string[], argv: string[], call: Call): Promise<unknown> {
  const o = options(argv);
  switch (sub) {
    case 'create': {
      const r = (await call('createCertificate', {
        subject: { CN: o.s('cn'), OU: o.many('ou'), ...optional('C', o.s('c')), ...optional('O', o.s('o')), ...optional('ST', o.s('st')), ...optional('L', o.s('l')), ...optional('E', o.s('e')) },
        ...(o.many('san').length ? { subjectAlternativeNames: o.many('san').map(sanOf) } : {}),
        keySpec: o.s('spec'),
        exportable: o.flag('exportable'),
        ...optional('name', o.s('name')),
        ...optional('protectionLevel', o.s('protection')),
        ...(o.s('protection') === 'HSM' ? optional('tokenLabel', o.s('token-label')) : {}),
      })) as { certificateId: string; csr: string };
      const out = o.s('csr-out');
      if (!out) return r;
      writeOutputFile(out, r.csr, '--csr-out');
      return { certificateId: r.certificateId, csrWritten: out };
    }
    case 'import':
      return call('importCertificate', { certificateId: o.s('id') ?? rest[0], certificate: readText(o.s('cert'), '--cert'), ...optional('certificateChain', o.s('chain') ? readText(o.s('chain'), '--chain') : undefined) });
    case 'import-p12': {
      const file = o.s('in');
      if (!file) throw new KwError('MissingParameter', 'give --in FILE.p12');
      const pfx = readInputFile(file, '--in');
      const password = await readSecret({ envVar: 'KW_P12_PASSWORD', file: o.s('password-file'), fileFlag: '--password-file', prompt: 'PKCS#12 password: ' });
      return call('importCertificateByPKCS12', { pkcs12: pfx.toString('base64'), password, exportable: o.flag('exportable'), ...optional('name', o.s('name')) });
    }
    case 'import-chain':
      return call('importCertificateChain', { certificateId: rest[0] ?? o.s('id'), certificateChain: readText(o.s('chain'), '--chain') });
    case 'export-key':
      return exportCertificateKey(rest[0] ?? o.s('id'), o, call);
    case 'list':
      return call('listCertificate', {
        ...optional('status', o.s('status')), ...optional('keySpec', o.s('spec')), ...optional('search', o.s('search')),
        ...optionalNumber('expiringWithinDays', o.s('expiring')), ...optionalNumber('pageNumber', o.s('page')), ...optionalNumber('pageSize', o.s('page-size')),
      });
    case 'describe':
      return call('describeCertificate', { certificateId: rest[0] ?? o.s('id') });
    default:
      throw new KwError('InvalidParameter', `unknown command: cert ${sub ?? ''} (create, import, import-p12, export-key, list, describe)`);
  }
}

/** The certificate objects of one token, read through a bridge that lives only for this command. */
async function tokenCertificates(modulePath: string | undefined, tokenLabel: string | undefined) {
  if (!modulePath || !tokenLabel) throw new KwError('MissingParameter', 'give --module PATH and --token-label LABEL');
  const bridge = new TokenBridge({ modulePath });
  try {
    return await bridge.listCertificates({ label: tokenLabel });
  } finally {
    await bridge.close();
  }
}

/** `kw ukey certs` needs no vault; the caller runs it before opening one. */
export async function ukeyListTokenCertificates(argv: string[]): Promise<unknown> {
  const o = options(argv);
  const objects = await tokenCertificates(o.s('module'), o.s('token-label'));
  return objects.map((obj) => {
    try {
      const s = parseCertificate(obj.der).summary;
      return { label: obj.label, objectId: obj.idHex, subject: s.subject.dn, issuer: s.issuer.dn, serialNumber: s.serialNumber, notBefore: s.notBefore, notAfter: s.notAfter, keyUsage: s.keyUsage, fingerprints: s.fingerprints, keySpec: s.publicKey.spec };
    } catch (e) {
      return { label: obj.label, objectId: obj.idHex, error: e instanceof KwError ? e.code : 'CertificateInvalid' };
    }
  });
}

export async function ukeyCommand(sub: string | undefined, argv: string[], call: Call): Promise<unknown> {
  const o = options(argv);
  switch (sub) {
    case 'import': {
      const chain = o.s('chain') ? { certificateChain: readText(o.s('chain'), '--chain') } : {};
      if (o.s('in')) return call('importCertificateForUK', { certificate: readText(o.s('in'), '--in'), ...chain, ...optional('name', o.s('name')) });
      const id = o.s('object-id')?.toLowerCase();
      if (!id) throw new KwError('MissingParameter', 'give --in FILE, or --module, --token-label and --object-id');
      const objects = await tokenCertificates(o.s('module'), o.s('token-label'));
      const found = objects.filter((x) => x.idHex === id);
      if (found.length !== 1) throw new KwError('CertificateNotFound', found.length ? `${found.length} certificate objects on the token have id ${id}` : `no certificate object with id ${id} on the token`);
      const obj = found[0]!;
      return call('importCertificateForUK', { certificate: pemEncode('CERTIFICATE', obj.der), ...chain, name: o.s('name') ?? obj.label, tokenLabel: o.s('token-label'), tokenObjectId: id });
    }
    case 'list':
      return call('listCertificateForUk', { ...optional('status', o.s('status')), ...optional('search', o.s('search')) });
    default:
      throw new KwError('InvalidParameter', `unknown command: ukey ${sub ?? ''} (certs, import, list)`);
  }
}
