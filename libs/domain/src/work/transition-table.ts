/**
 * The allowed changes of state of one kind of leased work (projects, publications): for each
 * state, the states it may go to and who may cause each. Every kind has its own table; its
 * repository's `transition()` is the one gate that checks it.
 */
export type TransitionTable<S extends string, C extends string> = Record<
  S,
  Partial<Record<S, readonly C[]>>
>;

export function allowedBy<S extends string, C extends string>(
  table: TransitionTable<S, C>,
  from: S,
  to: S,
  cause: C,
): boolean {
  return table[from]?.[to]?.includes(cause) ?? false;
}
