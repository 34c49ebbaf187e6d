/**
 * Every command of the `accessplane` program, in the order `--help` lists them. A new command is a
 * file in this folder exporting a `RegisterCommand`, and one line here.
 */
import type { RegisterCommand } from "../context";
import { adoptCommand } from "./adopt";
import { auditCommand } from "./audit";
import { diffCommand } from "./diff";
import { explainCommand } from "./explain";
import { initCommand } from "./init";
import { inventoryCommand } from "./inventory";
import { planCommand } from "./plan";
import { reportCommand } from "./report";
import { stacksCommand } from "./stacks";
import { validateCommand } from "./validate";
import { approveCommand } from "./approve";
import { codeownersCommand } from "./codeowners";
import { requestCommand } from "./request";
import { verifyApprovalsCommand } from "./verify-approvals";

/** The commands, registered in this order. */
export const COMMANDS: readonly RegisterCommand[] = [
  planCommand,
  validateCommand,
  diffCommand,
  explainCommand,
  reportCommand,
  stacksCommand,
  inventoryCommand,
  auditCommand,
  adoptCommand,
  requestCommand,
  approveCommand,
  verifyApprovalsCommand,
  codeownersCommand,
  initCommand,
];
