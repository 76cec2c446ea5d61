/**
 * Writes docs/api.md from the contract itself: request fields from the zod schemas,
 * response types from the `op<Response>()` declarations in core/api/ops/*.ts, kinds
 * and audit events from the definitions. `--check` fails when the file is stale.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { z } from 'zod';
import { contract, OPERATION_NAMES } from '../core/api/contract.ts';
import { ERROR_CODES } from '../core/api/errors.ts';
import { OPERATION_ALIASES, VALUE_ALIASES } from '../core/api/seed-names.ts';

const root = new URL('..', import.meta.url).pathname;
const opsDir = join(root, 'core/api/ops');

function responseTypes(): Map<string, { type: string; file: string }> {
  const out = new Map<string, { type: string; file: string }>();
  for (const f of readdirSync(opsDir).filter((n) => n.endsWith('.ts')).sort()) {
    const text = readFileSync(join(opsDir, f), 'utf8');
    const sf = ts.createSourceFile(f, text, ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node) => {
      if (ts.isPropertyAssignment(n) && ts.isCallExpression(n.initializer)) {
        const outer = n.initializer;
        const inner = outer.expression;
        if (ts.isCallExpression(inner) && ts.isIdentifier(inner.expression) && inner.expression.text === 'op' && inner.typeArguments?.[0]) {
          out.set(n.name.getText(sf), { type: inner.typeArguments[0].getText(sf).replace(/\s+/g, ' '), file: `core/api/ops/${f}` });
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

type Json = { type?: string | string[]; enum?: unknown[]; anyOf?: Json[]; properties?: Record<string, Json>; required?: string[]; items?: Json; minimum?: number; maximum?: number; minLength?: number; maxLength?: number; pattern?: string; default?: unknown; format?: string; maxItems?: number; additionalProperties?: unknown; contentEncoding?: string };

function describeType(s: Json): string {
  if (s.enum) return s.enum.map((e) => `\`${String(e)}\``).join(' \\| ');
  if (s.anyOf) return s.anyOf.map(describeType).join(' or ');
  const bits: string[] = [];
  if (s.type === 'array') return `array of ${s.items ? describeType(s.items) : 'any'}${s.maxItems !== undefined ? ` (≤ ${s.maxItems})` : ''}`;
  if (s.type === 'object') {
    if (s.properties) return `{${Object.keys(s.properties).join(', ')}}`;
    return 'object (string → string)';
  }
  bits.push(String(s.type ?? 'any'));
  if (s.format) bits.push(s.format);
  if (s.contentEncoding === 'base64') bits[0] = 'base64';
  else if (s.pattern) bits.push(`pattern \`${s.pattern}\``);
  if (s.minimum !== undefined || s.maximum !== undefined) bits.push(`${s.minimum ?? ''}–${s.maximum ?? ''}`);
  if (s.minLength !== undefined && s.minLength > 0) bits.push(`≥ ${s.minLength} chars`);
  if (s.maxLength !== undefined) bits.push(`≤ ${s.maxLength} chars`);
  return bits.join(', ');
}

export function render(): string {
  const responses = responseTypes();
  const lines: string[] = [];
  lines.push('# Keywarden API', '');
  lines.push('Generated from `core/api/` by `npm run docs:api`; do not edit by hand (a test checks it is current).', '');
  lines.push(
    'Every door (CLI `kw api`, Electron IPC, the browser shell) serves these operations and returns `{ok: true, value}` or `{ok: false, error: {code, message}}`. Binary fields are standard base64. `cmkUuid` accepts a key id or an `alias/…` everywhere. Kinds: **write** changes the catalogue and is audited in the same transaction; **read** and **crypto** change nothing and their audit records are group-committed within 5 ms; **session** opens or locks the vault. See `docs/design.md` for states, formats and limits.',
    '',
  );
  lines.push('## Error codes', '', ERROR_CODES.map((c) => `\`${c}\``).join(', '), '');
  lines.push(
    '## Names as the reference spells them',
    '',
    'Every door accepts an operation name in any letter case (`CreateKey`, `createkey`, `hmaccompute`, `GenerateDataKey`) and these reference names as aliases; in requests, the reference\'s value spellings below stand for ours. Responses and the audit log use the canonical names. The table lives in `core/api/seed-names.ts`.',
    '',
    '| reference spelling | canonical |',
    '| --- | --- |',
    ...Object.entries(OPERATION_ALIASES).map(([alias, name]) => `| operation \`${alias}\` | \`${name}\` |`),
    ...Object.entries(VALUE_ALIASES).flatMap(([field, table]) => Object.entries(table).map(([alias, value]) => `| \`${field}\`: \`${alias}\` | \`${value}\` |`)),
    '',
  );
  lines.push('## Operations', '');
  for (const name of OPERATION_NAMES) {
    const def = contract[name];
    const schema = z.toJSONSchema(def.request, { io: 'input', unrepresentable: 'any' }) as Json;
    lines.push(`### ${name}`, '');
    lines.push(`${def.summary}`, '');
    lines.push(`Kind: ${def.kind}. Permission: \`${def.permission}\`. Needs ${def.gate === 'unlocked' ? 'an unlocked vault' : 'no unlocked vault'}. Audit event: \`${def.event}\`.${def.returnsSecret ? ' Returns secret material the caller asked for.' : ''}`, '');
    const props = Object.entries(schema.properties ?? {});
    if (props.length === 0) lines.push('Request: `{}`', '');
    else {
      lines.push('| field | type | required | default |', '| --- | --- | --- | --- |');
      for (const [field, s] of props) {
        const required = schema.required?.includes(field) && s.default === undefined;
        lines.push(`| \`${field}\` | ${describeType(s)} | ${required ? 'yes' : 'no'} | ${s.default !== undefined ? `\`${JSON.stringify(s.default)}\`` : ''} |`);
      }
      lines.push('');
    }
    const r = responses.get(name);
    lines.push(`Response: \`${r?.type ?? 'unknown'}\`${r ? ` (types in \`${r.file}\`)` : ''}`, '');
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = join(root, 'docs/api.md');
  const text = render();
  if (process.argv.includes('--check')) {
    if (readFileSync(target, 'utf8') !== text) {
      console.error('docs/api.md is stale: run npm run docs:api');
      process.exit(1);
    }
  } else writeFileSync(target, text);
}
