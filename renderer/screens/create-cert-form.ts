/**
 * The create-certificate form of the reference console (CN, C, O, OU required; ST, L, E
 * optional; up to five OUs), its checks (the same rules the contract enforces, shown as
 * the officer types) and the request it becomes. Pure: tested without a browser.
 */
import type { RequestOf } from '../../core/api/contract.ts';
import { ISO_3166_COUNTRIES, isCountryCode } from '../../core/domain/countries.ts';
import type { CertificateKeySpec } from '../../core/domain/vocabulary.ts';

export const MAX_OUS = 5;

export interface CreateCertForm {
  CN: string;
  C: string;
  O: string;
  OU: string[];
  ST: string;
  L: string;
  E: string;
  keySpec: CertificateKeySpec;
  exportable: boolean;
  name: string;
}

export const EMPTY_CERT_FORM: CreateCertForm = { CN: '', C: 'CN', O: '', OU: [''], ST: '', L: '', E: '', keySpec: 'SM2', exportable: false, name: '' };

type Field = 'CN' | 'C' | 'O' | 'OU' | 'E';
/** Catalogue keys of the messages, per field. */
export function validateCreateCert(f: CreateCertForm): Partial<Record<Field, string>> {
  const e: Partial<Record<Field, string>> = {};
  if (!f.CN.trim()) e.CN = 'certs.form.required';
  else if (f.CN.length > 64) e.CN = 'certs.form.tooLong64';
  if (!isCountryCode(f.C)) e.C = 'certs.form.countryInvalid';
  if (!f.O.trim()) e.O = 'certs.form.required';
  else if (f.O.length > 64) e.O = 'certs.form.tooLong64';
  const ous = f.OU.map((o) => o.trim()).filter(Boolean);
  if (ous.length === 0) e.OU = 'certs.form.ouRequired';
  else if (ous.length > MAX_OUS || ous.some((o) => o.length > 64)) e.OU = 'certs.form.ouMax';
  if (f.E && !/^[^\s@]+@[^\s@]+$/.test(f.E)) e.E = 'certs.form.emailInvalid';
  return e;
}

export function toCreateCertRequest(f: CreateCertForm): RequestOf<'createCertificate'> {
  const opt = (k: 'ST' | 'L' | 'E') => (f[k].trim() ? { [k]: f[k].trim() } : {});
  return {
    subject: { CN: f.CN.trim(), C: f.C, O: f.O.trim(), OU: f.OU.map((o) => o.trim()).filter(Boolean), ...opt('ST'), ...opt('L'), ...opt('E') },
    keySpec: f.keySpec,
    exportable: f.exportable,
    ...(f.name.trim() ? { name: f.name.trim() } : {}),
  };
}

/** The countries in the officer's language, sorted by that name (CN first: the usual choice here). */
export function countryOptions(language: string): Array<{ code: string; name: string }> {
  const names = new Intl.DisplayNames([language], { type: 'region' });
  const all = ISO_3166_COUNTRIES.map((code) => ({ code, name: names.of(code) ?? code }));
  all.sort((a, b) => (a.code === 'CN' ? -1 : b.code === 'CN' ? 1 : a.name.localeCompare(b.name, language)));
  return all;
}
