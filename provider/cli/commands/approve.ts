/** `accessplane approve`: turns a pending request into an approval by an approver, now. */
import { approversOf, latestExpiry, stewardshipContext } from "../../model/stewardship";
import type { EstateFlags } from "../../project";
import { approveRequest } from "../../stewardship/policy-edit";
import { estateOptions, loadOrReport, parseNow, type RegisterCommand, resolveProject, usage } from "../context";
import { EXIT } from "../exit";
import { approvalPolicy, editFile, instantFlag, instantText, knownUser } from "./request";

type Opts = EstateFlags & { policy: string; user: string; by: string; until?: string; now?: string };

/** Registers `approve`. */
export const approveCommand: RegisterCommand = (prog, ctx) => {
  estateOptions(
    prog
      .command("approve")
      .description("approve a pending request: records `approvedBy` and `approvedAt`; the approver then approves the pull request")
      .requiredOption("--policy <name>", "the approval policy")
      .requiredOption("--user <id>", "whose request")
      .requiredOption("--by <id>", "the approver (a user of the inventory)")
      .option("--until <instant>", "when the approval expires (default: the request's `until`, else the policy's `maxDuration`)")
      .option("--now <instant>", "the approval's instant (default: the current time)"),
  ).action(async (o: Opts) => {
    const { io } = ctx;
    const project = resolveProject(o);
    const loaded = loadOrReport(ctx, { project }, "text");
    if (!loaded) return;
    const { estate } = loaded;
    const p = approvalPolicy(estate, o.policy);
    knownUser(estate, o.by, "--by");
    const r = p.restriction.level === "approval" ? p.restriction : undefined;
    const may = approversOf(p, stewardshipContext(estate.inventory, estate.config));
    if (o.by === o.user && !r?.allowSelfApproval)
      usage(`\`${o.by}\` cannot approve their own request: policy \`${p.name}\` does not allow self-approval`);
    if (!may.includes(o.by))
      usage(
        `\`${o.by}\` may not approve requests to policy \`${p.name}\`; may approve: ${may.map((u) => `\`${u}\``).join(", ") || "nobody"}`,
      );
    const at = instantText(parseNow(o.now));
    const request = r?.requests?.find((q) => q.user === o.user);
    let until = instantFlag(o.until, "--until") ?? request?.until;
    if (r?.maxDuration !== undefined) {
      const latest = latestExpiry(at, r.maxDuration);
      if (until === undefined) until = latest;
      else if (Date.parse(until) > Date.parse(latest))
        usage(
          `the approval would end at \`${until}\`, later than policy \`${p.name}\` allows (\`maxDuration: ${r.maxDuration}\`): the latest allowed date is \`${latest}\`; pass --until`,
        );
    }
    let line: number | undefined;
    editFile(p.file, (text) => {
      const res = approveRequest(text, p.name, o.user, o.by, at, until);
      line = res.line;
      return res.text;
    });
    io.out(
      `recorded the approval of \`${o.user}\` by \`${o.by}\` in policy \`${p.name}\` (${p.file}${line !== undefined ? `:${line}` : ""})${until !== undefined ? `, until ${until}` : ", without expiry"}\n`,
    );
    io.out(
      `next: commit and push it to the request's pull request; \`${o.by}\` then approves the pull request, which \`accessplane verify-approvals\` checks\n`,
    );
    ctx.setCode(EXIT.ok);
  });
};
