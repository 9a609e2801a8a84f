/** A statement's parameters: `binder(params)` gives a function that adds a value to them and returns its placeholder (`$n`). */
export const binder =
  (params: unknown[]) =>
  (value: unknown): string =>
    `$${params.push(value)}`;
