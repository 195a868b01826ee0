// Maps that keep their most recent entries only: per-conversation memory in a gateway that has talked to thousands
// of chats must not hold something for each of them forever.

/** How many conversations' worth of per-conversation memory is kept. */
export const RECENT_CONVERSATIONS = 2000;

/** Sets `key` as the newest entry of `map`, dropping the oldest past `max` (a Map iterates in insertion order). */
export function setRecent<K, V>(map: Map<K, V>, key: K, value: V, max = RECENT_CONVERSATIONS): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as K);
}
