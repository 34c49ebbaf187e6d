/**
 * Edits a policy file in place through the `yaml` Document API, so that comments, key order, flow
 * or block style and blank lines survive: adding a pending request, and turning one into an approval.
 */
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, stringify, type Document, type YAMLMap, type YAMLSeq } from "yaml";

/** A policy file's documents and where one policy's mapping is in them. */
interface Located {
  docs: Document.Parsed[];
  policy: YAMLMap;
  /** The policy's path in the file, as issues name it (document index first in multi-document files). */
  path: (string | number)[];
}

/** Thrown when the file cannot be edited as asked; the message says why. */
export class EditError extends Error {}

function approvalMap(l: Located, policyName: string): YAMLMap {
  const subs = l.policy.get("subscribers", true);
  const approval = isMap(subs) ? subs.get("approval", true) : undefined;
  if (!isMap(approval)) throw new EditError(`policy \`${policyName}\` is not an approval policy (it has no \`subscribers.approval\`)`);
  return approval;
}

/** The sequence under `key`, created (block style) when absent. */
function seqAt(doc: Document, map: YAMLMap, key: string): YAMLSeq {
  const existing = map.get(key, true);
  if (isSeq(existing)) return existing;
  const seq = doc.createNode([]) as YAMLSeq;
  map.set(key, seq);
  return seq;
}

const render = (docs: Document[]) => docs.map((d) => d.toString({ lineWidth: 0 })).join("");

/** The 1-based line of the last item of `key` under the policy's approval, after an edit. */
function lineOf(text: string, policyName: string, key: "requests" | "approvals"): number | undefined {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc }) as Document.Parsed[];
  for (const doc of docs) {
    const root = doc.contents;
    if (!isMap(root)) continue;
    const list = root.get("policies", true);
    const nodes = isSeq(list) ? list.items : [root];
    for (const n of nodes) {
      if (!isMap(n) || n.get("name") !== policyName) continue;
      const seq = (n.getIn(["subscribers", "approval", key], true) as unknown) ?? undefined;
      if (!isSeq(seq) || seq.items.length === 0) return undefined;
      const last = seq.items[seq.items.length - 1] as { range?: [number, number, number] };
      return last.range ? lc.linePos(last.range[0]).line : undefined;
    }
  }
  return undefined;
}

/** A request to add. */
export interface NewRequest {
  user: string;
  requestedAt: string;
  until?: string | undefined;
  reason?: string | undefined;
}

/** Where the approval mapping of the policy is, in a parse that keeps positions. */
function approvalAt(text: string, policyName: string): { approval: YAMLMap; lc: LineCounter } {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc }) as Document.Parsed[];
  const l = locateIn(docs, policyName);
  return { approval: approvalMap(l, policyName), lc };
}

function locateIn(docs: Document.Parsed[], policyName: string): Located {
  for (const [di, doc] of docs.entries()) {
    if (doc.errors.length > 0) throw new EditError(`the file does not parse: ${doc.errors[0]!.message.split("\n")[0]}`);
    const base: (string | number)[] = docs.length > 1 ? [di] : [];
    const root = doc.contents;
    if (!isMap(root)) continue;
    const list = root.get("policies", true);
    const candidates: [unknown, (string | number)[]][] = isSeq(list)
      ? list.items.map((item, i) => [item, [...base, "policies", i]])
      : [[root, base]];
    for (const [node, path] of candidates) if (isMap(node) && node.get("name") === policyName) return { docs, policy: node, path };
  }
  throw new EditError(`policy \`${policyName}\` is not in this file`);
}

type Ranged = { range?: [number, number, number] | null };
const rangeOf = (n: unknown): [number, number, number] | undefined => (n as Ranged | null)?.range ?? undefined;

/** The offset where the line after the one holding `pos - 1` starts (a value's end is exclusive). */
function afterLine(text: string, pos: number): number {
  if (pos > 0 && text[pos - 1] === "\n") return pos;
  const nl = text.indexOf("\n", pos);
  return nl === -1 ? text.length : nl + 1;
}
const lineStart = (text: string, pos: number) => text.lastIndexOf("\n", pos - 1) + 1;
const column = (text: string, pos: number) => pos - lineStart(text, pos);

/** One block-sequence item, indented by `indent` columns, ending with a line break. */
function itemText(entry: Record<string, string>, indent: number): string {
  const pad = " ".repeat(indent);
  return stringify([entry], { lineWidth: 0 })
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => pad + l + "\n")
    .join("");
}

/**
 * Appends an item to the sequence `key` of the policy's approval mapping by inserting text, so
 * that every other byte of the file stays as written. A flow-style mapping or non-empty flow
 * sequence is re-rendered through the Document API instead (comments still survive).
 */
function appendItem(text: string, policyName: string, key: "requests" | "approvals", entry: Record<string, string>): string {
  const { approval } = approvalAt(text, policyName);
  const seq = approval.get(key, true);
  const firstKey = rangeOf((approval.items[0] as { key?: unknown } | undefined)?.key);
  if (approval.flow || !firstKey || (isSeq(seq) && seq.flow && seq.items.length > 0)) return rerendered(text, policyName, key, entry);
  const indent = column(text, firstKey[0]);
  const withBreak = text.endsWith("\n") || text === "" ? text : text + "\n";
  if (!seq) {
    let end = 0;
    for (const pair of approval.items) end = Math.max(end, rangeOf(pair.value)?.[1] ?? rangeOf(pair.key)?.[1] ?? 0);
    const at = afterLine(withBreak, end);
    return withBreak.slice(0, at) + `${" ".repeat(indent)}${key}:\n` + itemText(entry, indent + 2) + withBreak.slice(at);
  }
  const r = rangeOf(seq);
  if (!isSeq(seq) || !r) throw new EditError(`\`${key}\` of policy \`${policyName}\` is not a list`);
  if (seq.flow) {
    // `key: []`: the empty flow list becomes a block list under the key.
    const before = withBreak.slice(0, r[0]).replace(/[ \t]+$/, "");
    const rest = withBreak.slice(r[1]);
    const tail = rest.startsWith("\n") ? rest.slice(1) : rest;
    return before + "\n" + itemText(entry, indent + 2) + tail;
  }
  const at = afterLine(withBreak, r[1]);
  return withBreak.slice(0, at) + itemText(entry, column(withBreak, r[0])) + withBreak.slice(at);
}

/** The Document API rendering, for layouts that text insertion does not handle. */
function rerendered(text: string, policyName: string, key: "requests" | "approvals", entry: Record<string, string>): string {
  const docs = parseAllDocuments(text) as Document.Parsed[];
  const l = locateIn(docs, policyName);
  const approval = approvalMap(l, policyName);
  const doc = l.docs.find((d) => containsNode(d, l.policy))!;
  seqAt(doc, approval, key).items.push(doc.createNode(entry));
  return render(l.docs);
}

/** The file's text with a pending request added to the policy, and the line it is at. */
export function addRequest(text: string, policyName: string, req: NewRequest): { text: string; line: number | undefined } {
  const { approval } = approvalAt(text, policyName);
  const requests = approval.get("requests", true);
  if (isSeq(requests) && requests.items.some((item) => isMap(item) && item.get("user") === req.user))
    throw new EditError(`\`${req.user}\` already has a pending request to policy \`${policyName}\``);
  const entry: Record<string, string> = { user: req.user, requestedAt: req.requestedAt };
  if (req.until !== undefined) entry.until = req.until;
  if (req.reason !== undefined) entry.reason = req.reason;
  const out = appendItem(text, policyName, "requests", entry);
  return { text: out, line: lineOf(out, policyName, "requests") };
}

/** What approving a request recorded. */
export interface Approved {
  text: string;
  line: number | undefined;
  approval: { user: string; approvedBy: string; approvedAt: string; expiresAt?: string };
}

/**
 * The file's text with the user's pending request turned into an approval by `by` at `at`. The
 * approval expires at `expiresAt` when given, else at the request's `until`, else never.
 */
export function approveRequest(text: string, policyName: string, user: string, by: string, at: string, expiresAt?: string): Approved {
  const { approval } = approvalAt(text, policyName);
  const requests = approval.get("requests", true);
  const index = isSeq(requests) ? requests.items.findIndex((it) => isMap(it) && it.get("user") === user) : -1;
  if (!isSeq(requests) || index < 0)
    throw new EditError(
      `\`${user}\` has no pending request to policy \`${policyName}\`: run \`accessplane request --policy ${policyName} --user ${user}\` first`,
    );
  const req = requests.items[index] as YAMLMap;
  const until = expiresAt ?? (isScalar(req.get("until", true)) ? String(req.get("until")) : undefined);
  // Remove the request: its lines, or the whole `requests:` key when it was the only one.
  let out: string;
  const pair = approval.items.find((p) => isScalar(p.key) && p.key.value === "requests");
  const seqRange = rangeOf(requests);
  const itemRange = rangeOf(req);
  if (requests.flow || !seqRange || !itemRange || !pair) {
    const docs = parseAllDocuments(text) as Document.Parsed[];
    const l = locateIn(docs, policyName);
    const a = approvalMap(l, policyName);
    const seq = a.get("requests", true) as unknown as YAMLSeq;
    seq.items.splice(index, 1);
    if (seq.items.length === 0) a.delete("requests");
    out = render(l.docs);
  } else if (requests.items.length === 1) {
    out = text.slice(0, lineStart(text, rangeOf(pair.key)![0])) + text.slice(afterLine(text, seqRange[1]));
  } else {
    out = text.slice(0, lineStart(text, itemRange[0])) + text.slice(afterLine(text, itemRange[1]));
  }
  const entry: Approved["approval"] = { user, approvedBy: by, approvedAt: at, ...(until !== undefined ? { expiresAt: until } : {}) };
  out = appendItem(out, policyName, "approvals", entry as unknown as Record<string, string>);
  return { text: out, line: lineOf(out, policyName, "approvals"), approval: entry };
}

function containsNode(doc: Document, node: YAMLMap): boolean {
  const root = doc.contents;
  if (root === node) return true;
  if (!isMap(root)) return false;
  const list = root.get("policies", true);
  return isSeq(list) && list.items.includes(node);
}

/** Where the approval at `index` of the policy's `approvals` is written: its line and dotted path. */
export function approvalLocation(
  text: string,
  policyName: string,
  index: number,
): { line?: number; path: (string | number)[] } | undefined {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc }) as Document.Parsed[];
  if (!Array.isArray(docs)) return undefined;
  for (const [di, doc] of docs.entries()) {
    const root = doc.contents;
    if (!isMap(root)) continue;
    const base: (string | number)[] = docs.length > 1 ? [di] : [];
    const list = root.get("policies", true);
    const nodes: [unknown, (string | number)[]][] = isSeq(list) ? list.items.map((n, i) => [n, [...base, "policies", i]]) : [[root, base]];
    for (const [n, p] of nodes) {
      if (!isMap(n) || n.get("name") !== policyName) continue;
      const path = [...p, "subscribers", "approval", "approvals", index];
      const item = n.getIn(["subscribers", "approval", "approvals", index], true) as { range?: [number, number, number] } | undefined;
      return { ...(item?.range ? { line: lc.linePos(item.range[0]).line } : {}), path };
    }
  }
  return undefined;
}
