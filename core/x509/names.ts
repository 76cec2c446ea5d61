/**
 * Distinguished names (RFC 5280 §4.1.2.4) both ways: an X.509 Name to an RFC 4514
 * string plus the fields officers fill in, and those fields to a Name for a CSR.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { AttributeTypeAndValue, AttributeValue, Name, RelativeDistinguishedName } from '@peculiar/asn1-x509';
import { KwError } from '../api/errors.ts';
import { toHex } from './der.ts';

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.8': 'ST',
  '2.5.4.7': 'L',
  '2.5.4.9': 'street',
  '2.5.4.5': 'serialNumber',
  '2.5.4.4': 'SN',
  '2.5.4.42': 'GN',
  '2.5.4.12': 'title',
  '2.5.4.17': 'postalCode',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
};

/** The fields of a subject as Keywarden's API names them. OU holds every OU in order. */
export interface NameFields {
  CN?: string;
  C?: string;
  O?: string;
  OU: string[];
  ST?: string;
  L?: string;
  E?: string;
}

export interface NameSummary {
  /** RFC 4514 string (most significant RDN last), as `openssl ... -nameopt RFC2253` prints ASCII names. */
  dn: string;
  fields: NameFields;
  /** Every attribute in encoding order, for names with types beyond the fields above. */
  attributes: { type: string; oid: string; value: string }[];
}

function attributeText(atv: AttributeTypeAndValue): { text: string; raw: boolean } {
  const v = atv.value;
  const s = v.utf8String ?? v.printableString ?? v.ia5String ?? v.bmpString ?? v.universalString ?? v.teletexString;
  if (s !== undefined) return { text: s, raw: false };
  if (v.anyValue) return { text: '#' + toHex(v.anyValue), raw: true };
  return { text: '', raw: false };
}

function escape4514(s: string): string {
  let out = s.replace(/[\\,+"<>;=]/g, (c) => '\\' + c);
  if (out.startsWith('#') || out.startsWith(' ')) out = '\\' + out;
  if (out.endsWith(' ') && out.length > 1) out = out.slice(0, -1) + '\\ ';
  return out;
}

export function summarizeName(name: Name): NameSummary {
  const fields: NameFields = { OU: [] };
  const attributes: NameSummary['attributes'] = [];
  const rdnStrings: string[] = [];
  for (const rdn of name) {
    const parts: string[] = [];
    for (const atv of rdn) {
      const type = SHORT_NAMES[atv.type] ?? atv.type;
      const { text, raw } = attributeText(atv);
      attributes.push({ type, oid: atv.type, value: text });
      parts.push(`${type}=${raw ? text : escape4514(text)}`);
      switch (type) {
        case 'CN': case 'C': case 'O': case 'ST': case 'L':
          if (fields[type] === undefined) fields[type] = text;
          break;
        case 'OU':
          fields.OU.push(text);
          break;
        case 'emailAddress':
          if (fields.E === undefined) fields.E = text;
          break;
        default:
          break;
      }
    }
    rdnStrings.push(parts.join('+'));
  }
  return { dn: rdnStrings.reverse().join(','), fields, attributes };
}

/** What a caller may ask for in a CSR subject (the seed's createCertificate form). */
export interface SubjectInput {
  CN: string;
  C?: string;
  O?: string;
  OU?: string[];
  ST?: string;
  L?: string;
  E?: string;
}

const MAX_OU = 5;
// RFC 5280 upper bounds (ub-common-name etc.), so a CA does not reject the request later.
const UB: Record<string, number> = { CN: 64, O: 64, OU: 64, ST: 128, L: 128, E: 255 };

function checkText(field: string, v: string): void {
  const max = UB[field] ?? 64;
  if (typeof v !== 'string' || v.length === 0 || v.length > max) {
    throw new KwError('InvalidParameter', `subject ${field} must be 1..${max} characters`, { field });
  }
  if (/\p{Cc}/u.test(v)) throw new KwError('InvalidParameter', `subject ${field} contains control characters`, { field });
}

/** Checks the subject and encodes it as C, ST, L, O, OU…, CN, emailAddress (the usual order). */
export function buildName(subject: SubjectInput): Name {
  if (!subject || typeof subject !== 'object') throw new KwError('MissingParameter', 'subject is required');
  checkText('CN', subject.CN);
  const rdns: RelativeDistinguishedName[] = [];
  const add = (oid: string, value: AttributeValue) => rdns.push(new RelativeDistinguishedName([new AttributeTypeAndValue({ type: oid, value })]));
  if (subject.C !== undefined) {
    if (!/^[A-Z]{2}$/.test(subject.C)) throw new KwError('InvalidParameter', 'subject C must be an ISO 3166 two-letter country code', { field: 'C' });
    add('2.5.4.6', new AttributeValue({ printableString: subject.C }));
  }
  const utf8 = (field: 'ST' | 'L' | 'O', oid: string) => {
    const v = subject[field];
    if (v === undefined) return;
    checkText(field, v);
    add(oid, new AttributeValue({ utf8String: v }));
  };
  utf8('ST', '2.5.4.8');
  utf8('L', '2.5.4.7');
  utf8('O', '2.5.4.10');
  const ous = subject.OU ?? [];
  if (!Array.isArray(ous) || ous.length > MAX_OU) throw new KwError('InvalidParameter', `subject OU takes at most ${MAX_OU} values`, { field: 'OU' });
  for (const ou of ous) {
    checkText('OU', ou);
    add('2.5.4.11', new AttributeValue({ utf8String: ou }));
  }
  add('2.5.4.3', new AttributeValue({ utf8String: subject.CN }));
  if (subject.E !== undefined) {
    checkText('E', subject.E);
    if (!/^[\x21-\x7e]+@[\x21-\x7e]+$/.test(subject.E)) throw new KwError('InvalidParameter', 'subject E must be an ASCII e-mail address', { field: 'E' });
    add('1.2.840.113549.1.9.1', new AttributeValue({ ia5String: subject.E }));
  }
  return new Name(rdns);
}

export function nameDer(name: Name): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(name));
}

/** Byte-exact name comparison, which is what RFC 5280 path building needs in practice. */
export function sameName(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}
