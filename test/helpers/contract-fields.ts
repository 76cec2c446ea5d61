/** The contract's request fields found by kind, read from the same JSON Schema docs/api.md is made from. */
import { z } from 'zod';
import { contract, OPERATION_NAMES, type OperationName } from '../../core/api/contract.ts';

type Json = { type?: string; properties?: Record<string, Json>; additionalProperties?: unknown; contentEncoding?: string; maxDecodedBytes?: number; minDecodedBytes?: number; anyOf?: Json[] };

export interface FieldRef {
  op: OperationName;
  /** Top-level field of the request. */
  field: string;
  schema: Json;
}

function topLevelFields(): FieldRef[] {
  const out: FieldRef[] = [];
  for (const op of OPERATION_NAMES) {
    const js = z.toJSONSchema(contract[op].request, { io: 'input', unrepresentable: 'any' }) as Json;
    for (const [field, schema] of Object.entries(js.properties ?? {})) out.push({ op, field, schema: schema.anyOf?.[0] ?? schema });
  }
  return out;
}

/** Every top-level base64 field with the decoded-size limit its schema declares. */
export function base64Fields(): Array<FieldRef & { maxDecodedBytes: number; minDecodedBytes: number }> {
  return topLevelFields()
    .filter((f) => f.schema.contentEncoding === 'base64')
    .map((f) => ({ ...f, maxDecodedBytes: f.schema.maxDecodedBytes as number, minDecodedBytes: f.schema.minDecodedBytes ?? 0 }));
}

/** Every top-level field whose keys the caller chooses (encryption contexts and the like). */
export function callerKeyedFields(): FieldRef[] {
  return topLevelFields().filter((f) => f.schema.type === 'object' && !f.schema.properties && f.schema.additionalProperties !== false);
}
