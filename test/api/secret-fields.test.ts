import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { contract, OPERATION_NAMES } from '../../core/api/contract.ts';
import { SECRET_FIELD_NAMES, secretFieldsOf } from '../../core/api/secret-fields.ts';

test('every request field that looks like a secret is known as one (so no door puts it on argv)', () => {
  for (const op of OPERATION_NAMES) {
    const props = (z.toJSONSchema(contract[op].request, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { type?: string }> }).properties ?? {};
    for (const [field, schema] of Object.entries(props)) {
      if (schema.type === 'string' && /pass(word|phrase)|pin$|^pin|secret|share/i.test(field)) assert.ok(SECRET_FIELD_NAMES.has(field), `${op}.${field} looks secret but is not listed`);
    }
  }
  assert.deepEqual(secretFieldsOf('changePassphrase'), ['oldPassphrase', 'newPassphrase']);
  assert.deepEqual(secretFieldsOf('changeTokenPin'), ['oldPin', 'newPin']);
  assert.deepEqual(secretFieldsOf('exportCertificatePrivateKey'), ['password']);
  assert.deepEqual(secretFieldsOf('encrypt'), []);
});
