/**
 * Every command of the `accessplane` program, in the order `--help` lists them. A new command is a
 * file in this folder exporting a `RegisterCommand`, and one line here.
 */
import type { RegisterCommand } from "../context";
import { diffCommand } from "./diff";
import { explainCommand } from "./explain";
import { initCommand } from "./init";
import { planCommand } from "./plan";
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
  requestCommand,
  approveCommand,
  verifyApprovalsCommand,
  codeownersCommand,
  initCommand,
];
