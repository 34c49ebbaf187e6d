/** Random edits of generated YAML texts, shared by the property tests of the YAML paths. */

/** An edit: insert a whole line before line `at`, or a character sequence at offset `at` (both modulo). */
export type YamlEdit = readonly ["line" | "char", number, string];

/** `s` after `edits`, in order; with `crlf`, every line break written as CRLF. */
export function applyEdits(s: string, edits: readonly YamlEdit[], crlf: boolean): string {
  for (const [kind, at, what] of edits) {
    if (kind === "line") {
      const ls = s.split("\n");
      ls.splice(at % (ls.length + 1), 0, what);
      s = ls.join("\n");
    } else {
      const i = at % (s.length + 1);
      s = s.slice(0, i) + what + s.slice(i);
    }
  }
  return crlf ? s.replace(/\n/g, "\r\n") : s;
}
