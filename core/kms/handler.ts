/**
 * The shape of a use case as the dispatch table holds it: the parsed request and the
 * call's context in, the contract's response out. Declared here, below the service, so
 * that use-case folders (certs/, byok/, …) can type their own handler tables without
 * importing the service that imports them.
 */
import type { OperationName, ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import type { CallContext } from './context.ts';

export type Handler<N extends OperationName> = (req: ParsedRequestOf<N>, ctx: CallContext) => ResponseOf<N> | Promise<ResponseOf<N>>;
export type HandlerTable<N extends OperationName = OperationName> = { [K in N]: Handler<K> };
