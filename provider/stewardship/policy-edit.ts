/**
 * Edits a policy file in place through the `yaml` Document API, so that comments, key order, flow
 * or block style and blank lines survive: adding a pending request, and turning one into an approval.
 */
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, YAMLMap, YAMLSeq } from "yaml";

/** A policy file's documents and where one policy's mapping is in them. */
interface Located {
  docs: Document.Parsed[];
  policy: YAMLMap;
  /** The policy's path in the file, as issues name it (document index first in multi-document files). */
  path: (string | number)[];
}

/** Thrown when the file cannot be edited as asked; the message says why. */
export class EditError extends Error {}

function locate(text: string, policyName: string): Located {
  const docs = parseAllDocuments(text, { keepSourceTokens: false }) as Document.Parsed[];
  if (!Array.isArray(docs)) throw new EditError("the file holds no YAML document");
  for (const [di, doc] of docs.entries()) {
    if (doc.errors.length > 0) throw new EditError(`the file does not parse: ${doc.errors[0]!.message.split("\n")[0]}`);
    const base: (string | number)[] = docs.length > 1 ? [di] : [];
    const root = doc.contents;
    if (!isMap(root)) continue;
    const list = root.get("policies", true);
    const candidates: [unknown, (string | number)[]][] = isSeq(list)
      ? list.items.map((item, i) => [item, [...base, "policies", i]])
      : [[root, base]];
    for (const [node, path] of candidates) {
      if (isMap(node) && node.get("name") === policyName) return { docs, policy: node, path };
    }
  }
  throw new EditError(`policy \`${policyName}\` is not in this file`);
}

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

/** The file's text with a pending request added to the policy, and the line it is at. */
export function addRequest(text: string, policyName: string, req: NewRequest): { text: string; line: number | undefined } {
  const l = locate(text, policyName);
  const approval = approvalMap(l, policyName);
  const doc = l.docs.find((d) => d.contents && containsNode(d, l.policy))!;
  const requests = seqAt(doc, approval, "requests");
  for (const item of requests.items) {
    if (isMap(item) && item.get("user") === req.user) throw new EditError(`\`${req.user}\` already has a pending request to policy \`${policyName}\``);
  }
  const entry: Record<string, string> = { user: req.user, requestedAt: req.requestedAt };
  if (req.until !== undefined) entry.until = req.until;
  if (req.reason !== undefined) entry.reason = req.reason;
  requests.items.push(doc.createNode(entry));
  const out = render(l.docs);
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
  const l = locate(text, policyName);
  const approval = approvalMap(l, policyName);
  const doc = l.docs.find((d) => d.contents && containsNode(d, l.policy))!;
  const requests = approval.get("requests", true);
  const index = isSeq(requests) ? requests.items.findIndex((it) => isMap(it) && it.get("user") === user) : -1;
  if (!isSeq(requests) || index < 0) throw new EditError(`\`${user}\` has no pending request to policy \`${policyName}\`: run \`accessplane request --policy ${policyName} --user ${user}\` first`);
  const req = requests.items[index] as YAMLMap;
  const until = expiresAt ?? (isScalar(req.get("until", true)) ? String(req.get("until")) : undefined);
  requests.items.splice(index, 1);
  if (requests.items.length === 0) approval.delete("requests");
  const approvals = seqAt(doc, approval, "approvals");
  const entry: Approved["approval"] = { user, approvedBy: by, approvedAt: at, ...(until !== undefined ? { expiresAt: until } : {}) };
  approvals.items.push(doc.createNode(entry));
  const out = render(l.docs);
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
export function approvalLocation(text: string, policyName: string, index: number): { line?: number; path: (string | number)[] } | undefined {
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
