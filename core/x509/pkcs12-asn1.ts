/**
 * ASN.1 schemas PKCS#12 needs beside those of @peculiar/asn1-pfx and -pkcs8: the PKCS#7
 * ContentInfo and EncryptedData (RFC 2315 §7, §13) that carry the AuthenticatedSafe, and
 * the password-based encryption parameters (RFC 8018 A.2 PBKDF2-params, A.4 PBES2-params;
 * RFC 7292 App. C pkcs-12PbeParams). Declared with @peculiar/asn1-schema, so parsing and
 * writing are the library's; decorators are applied as calls because this code base is
 * compiled without `experimentalDecorators`.
 */
import { AsnConstructedOctetStringConverter, AsnIntegerBigIntConverter, AsnArray, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';

type Ctor = abstract new (...args: never[]) => object;
function props(target: Ctor, fields: Record<string, Parameters<typeof AsnProp>[0]>): void {
  for (const [name, options] of Object.entries(fields)) AsnProp(options)(target.prototype as object, name);
}

export const PKCS7 = { data: '1.2.840.113549.1.7.1', encryptedData: '1.2.840.113549.1.7.6' } as const;

/** ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY } */
export class ContentInfo {
  contentType = '';
  content = new ArrayBuffer(0);
  constructor(params: Partial<ContentInfo> = {}) {
    Object.assign(this, params);
  }
}
props(ContentInfo, { contentType: { type: AsnPropTypes.ObjectIdentifier }, content: { type: AsnPropTypes.Any, context: 0 } });

/** AuthenticatedSafe ::= SEQUENCE OF ContentInfo */
export class AuthenticatedSafe extends AsnArray<ContentInfo> {
  constructor(items?: ContentInfo[]) {
    super(items);
    Object.setPrototypeOf(this, AuthenticatedSafe.prototype);
  }
}
AsnType({ type: AsnTypeTypes.Sequence, itemType: ContentInfo })(AuthenticatedSafe as never);

/** encryptedContent [0] IMPLICIT OCTET STRING, primitive or (BER) constructed. */
export class EncryptedContent {
  value?: OctetString;
  constructedValue?: OctetString[];
  constructor(params: Partial<EncryptedContent> = {}) {
    Object.assign(this, params);
  }
}
props(EncryptedContent, {
  value: { type: OctetString, context: 0, implicit: true, optional: true },
  constructedValue: { type: OctetString, converter: AsnConstructedOctetStringConverter, context: 0, implicit: true, optional: true, repeated: 'sequence' },
});
AsnType({ type: AsnTypeTypes.Choice })(EncryptedContent as never);

export class EncryptedContentInfo {
  contentType = '';
  contentEncryptionAlgorithm = new AlgorithmIdentifier();
  encryptedContent?: EncryptedContent;
  constructor(params: Partial<EncryptedContentInfo> = {}) {
    Object.assign(this, params);
  }
}
props(EncryptedContentInfo, {
  contentType: { type: AsnPropTypes.ObjectIdentifier },
  contentEncryptionAlgorithm: { type: AlgorithmIdentifier },
  encryptedContent: { type: EncryptedContent, optional: true },
});

/** EncryptedData ::= SEQUENCE { version INTEGER, encryptedContentInfo } */
export class EncryptedData {
  version = 0;
  encryptedContentInfo = new EncryptedContentInfo();
  constructor(params: Partial<EncryptedData> = {}) {
    Object.assign(this, params);
  }
}
props(EncryptedData, { version: { type: AsnPropTypes.Integer }, encryptedContentInfo: { type: EncryptedContentInfo } });

/** PBKDF2-params; the salt's `otherSource` alternative is not supported (a parse failure). */
export class Pbkdf2Params {
  salt = new OctetString();
  iterationCount = 0n;
  keyLength?: bigint;
  prf?: AlgorithmIdentifier;
  constructor(params: Partial<Pbkdf2Params> = {}) {
    Object.assign(this, params);
  }
}
props(Pbkdf2Params, {
  salt: { type: OctetString },
  iterationCount: { type: AsnPropTypes.Integer, converter: AsnIntegerBigIntConverter },
  keyLength: { type: AsnPropTypes.Integer, converter: AsnIntegerBigIntConverter, optional: true },
  prf: { type: AlgorithmIdentifier, optional: true },
});

export class Pbes2Params {
  keyDerivationFunc = new AlgorithmIdentifier();
  encryptionScheme = new AlgorithmIdentifier();
  constructor(params: Partial<Pbes2Params> = {}) {
    Object.assign(this, params);
  }
}
props(Pbes2Params, { keyDerivationFunc: { type: AlgorithmIdentifier }, encryptionScheme: { type: AlgorithmIdentifier } });

/** pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER } */
export class Pkcs12PbeParams {
  salt = new OctetString();
  iterations = 0n;
  constructor(params: Partial<Pkcs12PbeParams> = {}) {
    Object.assign(this, params);
  }
}
props(Pkcs12PbeParams, { salt: { type: OctetString }, iterations: { type: AsnPropTypes.Integer, converter: AsnIntegerBigIntConverter } });
