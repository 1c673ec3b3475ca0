import { createParser } from "nuqs";

/** A keyset cursor in the URL as "<time>_<id>": readable, and copied with the rest of the link. */
export const parseAsKeysetCursor = createParser<{ at: string; id: string }>({
  parse: (value) => {
    const split = value.lastIndexOf("_");
    if (split <= 0) return null;
    return { at: value.slice(0, split), id: value.slice(split + 1) };
  },
  serialize: (cursor) => `${cursor.at}_${cursor.id}`,
  eq: (a, b) => a.at === b.at && a.id === b.id,
});
