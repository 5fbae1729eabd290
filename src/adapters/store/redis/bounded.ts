/**
 * A Map that holds at most `max` entries and drops the oldest first: the store's in-process caches, which must
 * not grow with the district (about 100 bytes an entry).
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (this.size >= this.max && !this.has(key)) this.delete(this.keys().next().value as K);
    return super.set(key, value);
  }
}
