/**
 * Splitting long texts for channels with a length limit (Telegram 4096, Discord 2000 characters),
 * for replies and for customers' messages longer than the core takes.
 * @module
 */

/**
 * Splits text into parts of at most `limit` UTF-16 units, preferring paragraph, then line, then
 * word boundaries; never inside a surrogate pair. An empty text gives one `empty` part.
 */
export function splitText(text: string, limit: number, empty = '…'): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const floor = Math.floor(limit / 2);
    let cut = rest.lastIndexOf('\n\n', limit);
    if (cut < floor) cut = rest.lastIndexOf('\n', limit);
    if (cut < floor) cut = rest.lastIndexOf(' ', limit);
    if (cut < floor) {
      cut = limit;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    const part = rest.slice(0, cut).trimEnd();
    if (part) parts.push(part);
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest.trim()) parts.push(rest);
  return parts.length ? parts : [empty];
}
