/** One numbered migration. Each file under migrations/ exports one; index.ts lists them in order. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
