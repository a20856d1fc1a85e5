// What callers see of the directory's records.

/** What callers see of a record with a phone: the mask, never the ciphertext or the index. */
export const phoneView = <T extends { phoneCipher: string; phoneIndex: string; phoneMasked: string }>(
  record: T,
) => {
  const { phoneCipher: _c, phoneIndex: _i, phoneMasked, ...rest } = record
  return { ...rest, phone: phoneMasked }
}
