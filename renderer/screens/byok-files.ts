/**
 * What the BYOK wizard uploads from a file. The reference's own steps write the wrapped
 * material as base64 text (`openssl enc -e -base64 -A ... -out EncryptedKeyMaterial_base64.txt`);
 * other tools write the raw bytes (`EncryptedKeyMaterial.bin`). A file whose whole content,
 * line breaks aside, is canonical base64 is taken as that text; anything else is bytes and
 * is encoded here. Raw wrapped material is random, so a binary file that happens to be all
 * base64 characters would need every one of its 256+ bytes to fall in 64 of 256 values.
 */
import { bytesToBase64 } from '../format.ts';

const BASE64_TEXT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function uploadBase64(content: Uint8Array): { base64: string; detected: 'text' | 'binary' } {
  let text = '';
  for (const b of content) {
    // Only printable ASCII and line breaks can be base64 text.
    if (b !== 0x0a && b !== 0x0d && b !== 0x20 && b !== 0x09 && (b < 0x21 || b > 0x7e)) return { base64: bytesToBase64(content), detected: 'binary' };
    text += String.fromCharCode(b);
  }
  const compact = text.replace(/\s+/g, '');
  if (compact.length > 0 && BASE64_TEXT.test(compact)) return { base64: compact, detected: 'text' };
  return { base64: bytesToBase64(content), detected: 'binary' };
}
