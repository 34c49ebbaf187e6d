/** `accessplane request`: adds a pending request (which grants nothing) to an approval policy's file. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Estate } from "../../model/estate";
import { instantProblem, type Policy } from "../../model/schema";
import { approversOf, stewardshipContext } from "../../model/stewardship";
import { suggest } from "../../model/suggest";
import type { EstateFlags } from "../../project";
import { addRequest, EditError } from "../../stewardship/policy-edit";
import { estateOptions, loadOrReport, parseNow, type RegisterCommand, resolveProject, usage } from "../context";
import { EXIT } from "../exit";

/** An instant as policy files write it: seconds precision, UTC. */
export const instantText = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/** The approval policy named `name`, or a usage error with a suggestion. */
export function approvalPolicy(estate: Estate, name: string): Policy {
  const p = estate.policies.find((x) => x.name === name);
  if (!p) {
    const s = suggest(
      name,
      estate.policies.map((x) => x.name),
    );
    usage(`unknown policy \`${name}\`${s ? `: did you mean \`${s}\`?` : ""}`);
  }
  if (p.restriction.level !== "approval") usage(`policy \`${name}\` is not an approval policy: access to it is not requested`);
  return p;
}

/** The user `id` of the inventory, or a usage error with a suggestion. */
export function knownUser(estate: Estate, id: string, flag: string): void {
  if (estate.inventory.users.some((u) => u.id === id)) return;
  const s = suggest(
    id,
    estate.inventory.users.map((u) => u.id),
  );
  usage(`${flag}: unknown user \`${id}\`${s ? `: did you mean \`${s}\`?` : ""}`);
}

/** Checks an instant flag as policy files do. */
export function instantFlag(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const problem = instantProblem(value);
  if (problem) usage(`${flag}: \`${value}\` ${problem.message}; ${problem.help}`);
  return value;
}

/** Edits a policy file, turning an edit error into a usage error. */
export function editFile(file: string, edit: (text: string) => string): void {
  const full = path.resolve(process.cwd(), file);
  let out: string;
  try {
    out = edit(fs.readFileSync(full, "utf8"));
  } catch (e) {
    if (e instanceof EditError) usage(`${file}: ${e.message}`);
    throw e;
  }
  fs.writeFileSync(full, out);
}

type Opts = EstateFlags & { policy: string; user: string; until?: string; reason?: string; now?: string; openPr?: boolean };

/** Registers `request`. */
export const requestCommand: RegisterCommand = (prog, ctx) => {
  estateOptions(
    prog
      .command("request")
      .description("request access through an approval policy: adds a pending request (it grants nothing) to the policy file")
      .requiredOption("--policy <name>", "the approval policy")
      .requiredOption("--user <id>", "who needs access")
      .option("--until <instant>", "when access should end (ISO 8601 with a time zone)")
      .option("--reason <text>", "why access is needed")
      .option("--now <instant>", "the request's instant (default: the current time)")
      .option("--open-pr", "commit on a new branch, push and open the pull request with the GitHub CLI (`gh`)"),
  ).action(async (o: Opts) => {
    const { io } = ctx;
    const project = resolveProject(o);
    const loaded = loadOrReport(ctx, { project }, "text");
    if (!loaded) return;
    const p = approvalPolicy(loaded.estate, o.policy);
    knownUser(loaded.estate, o.user, "--user");
    const until = instantFlag(o.until, "--until");
    const requestedAt = instantText(parseNow(o.now));
    let line: number | undefined;
    editFile(p.file, (text) => {
      const r = addRequest(text, p.name, { user: o.user, requestedAt, until, reason: o.reason });
      line = r.line;
      return r.text;
    });
    const r = p.restriction.level === "approval" ? p.restriction : undefined;
    const approvers = approversOf(p, stewardshipContext(loaded.estate.inventory, loaded.estate.config)).filter(
      (u) => u !== o.user || r?.allowSelfApproval,
    );
    const branch = `access/${p.name}/${o.user}`.replace(/[^A-Za-z0-9._/-]/g, "-");
    const title = `Request ${p.access} access for ${o.user} through ${p.name}`;
    io.out(
      `added a pending request of \`${o.user}\` to policy \`${p.name}\` (${p.file}${line !== undefined ? `:${line}` : ""}); it grants nothing until approved\n`,
    );
    io.out(`may approve: ${approvers.length ? approvers.map((a) => `\`${a}\``).join(", ") : "nobody (check the policy's approvers)"}\n`);
    const commands = [
      ["git", "switch", "-c", branch],
      ["git", "add", p.file],
      ["git", "commit", "-m", title],
      ["git", "push", "-u", "origin", branch],
      [
        "gh",
        "pr",
        "create",
        "--title",
        title,
        "--body",
        `${o.reason ?? "Access request."}\n\nAn approver records the approval with \`accessplane approve --policy ${p.name} --user ${o.user} --by <approver>\` and approves this pull request.`,
      ],
    ];
    const shell = (c: string[]) => c.map((a) => (/^[A-Za-z0-9._/:=@-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
    if (!o.openPr) {
      io.out(`next:\n${commands.map((c) => `  ${shell(c)}`).join("\n")}\n`);
      return ctx.setCode(EXIT.ok);
    }
    if (spawnSync("gh", ["--version"], { stdio: "ignore" }).status !== 0) {
      io.err(
        `error: --open-pr needs the GitHub CLI (\`gh\`), which is not installed; open the pull request with:\n${commands.map((c) => `  ${shell(c)}`).join("\n")}\n`,
      );
      return ctx.setCode(EXIT.usage);
    }
    for (const c of commands) {
      const res = spawnSync(c[0]!, c.slice(1), { encoding: "utf8" });
      if (res.stdout) io.out(res.stdout);
      if (res.status !== 0) {
        io.err(`error: \`${shell(c)}\` failed${res.stderr ? `: ${res.stderr.trim()}` : ""}\n`);
        return ctx.setCode(EXIT.usage);
      }
    }
    ctx.setCode(EXIT.ok);
  });
};
