// Builds one resource per entry of a declaration in shared/ (queues, topics, functions…), keeping its names as keys.

/** `{ a: x, b: y }` → `{ a: build('a', x), b: build('b', y) }`, typed by the declaration's own keys. */
export const mapDeclared = <K extends string, V, R>(
  declaration: Readonly<Record<K, V>>,
  build: (name: K, value: V) => R,
): Record<K, R> =>
  Object.fromEntries(
    (Object.entries(declaration) as [K, V][]).map(([name, value]) => [name, build(name, value)]),
  ) as Record<K, R>
