// A client made on its first use, not when a function's dependencies are built: a cold start constructs no client
// it may not need, and a handler's construction makes no AWS call.

/**
 * Stands in for the object `make` returns, calling `make` once, on the first property read (a method call, `in`,
 * `instanceof`). Methods are bound to the made object, so `client.send(command)` runs as the client's own.
 */
export const lazy = <T extends object>(make: () => T): T => {
  let made: T | undefined
  const target = () => {
    made ??= make()
    return made
  }
  return new Proxy({} as T, {
    get: (_stand, property) => {
      // Awaiting the client (a promise check) is not a use.
      if (property === 'then') return undefined
      const value = Reflect.get(target(), property)
      return typeof value === 'function' ? value.bind(target()) : value
    },
    set: (_stand, property, value) => Reflect.set(target(), property, value),
    has: (_stand, property) => Reflect.has(target(), property),
    getPrototypeOf: () => Reflect.getPrototypeOf(target()),
    // Defining, describing or deleting a property (a test's spy on `send`, say) acts on the made object too, so that
    // what is put there is what a later call finds. Described as configurable: the stand-in itself holds nothing.
    defineProperty: (_stand, property, descriptor) =>
      Reflect.defineProperty(target(), property, { ...descriptor, configurable: true }),
    getOwnPropertyDescriptor: (_stand, property) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), property)
      return descriptor && { ...descriptor, configurable: true }
    },
    deleteProperty: (_stand, property) => Reflect.deleteProperty(target(), property),
  })
}
