/**
 * `TrinoAccessRules`: the file-mode `rules.json` of a Trino / Starburst cluster (estate scope);
 * inputs `{ path, document }` (document from `trinoRulesDocument`, zod schema in trino-schemas.ts).
 *
 * Writes the file on the filesystem of the machine running Pulumi (the coordinator, or a volume it
 * mounts) with an atomic rename, and reads it back for drift. No connection, so no session: the
 * provider reads no config.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { renderTrinoRules } from "../../platforms/sql/trino-rules";
import { dynamicResource } from "./resource";
import type { Props } from "./base";
import { ProviderError } from "./errors";
import { checkInputs, diffInputs, parseInputs, parseState } from "./schemas";
import { type TrinoAccessRulesInputs, trinoAccessRulesInputsSchema, trinoRulesDocumentSchema } from "./trino-schemas";

/** Outputs of `TrinoAccessRules`. */
export interface TrinoAccessRulesOutputs extends TrinoAccessRulesInputs {
  /** The file exists and holds a valid rules document. */
  filePresent: boolean;
  /** sha256 of the file as last written or read, so delete never removes a file someone replaced. */
  sha256: string;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function fileError(action: string, path: string, e: unknown): ProviderError {
  const code = (e as { code?: unknown }).code;
  const detail = e instanceof Error ? e.message : String(e);
  const help =
    code === "EACCES" || code === "EPERM"
      ? "the user running Pulumi cannot write there; grant it write access to the directory"
      : code === "ENOENT"
        ? "the directory does not exist; create it, or point `path` at the coordinator's etc/ directory"
        : "check the path and the disk, then run `pulumi up` again";
  return new ProviderError(
    `trino: could not ${action} \`${path}\`: ${String(code ?? "error")}: ${detail}; help: ${help}`,
    code === "EACCES" || code === "EPERM" ? "permission-denied" : code === "ENOENT" ? "missing-object" : "other",
  );
}

/** CRUD for the file-mode `rules.json`. */
export class TrinoAccessRulesProvider implements pulumi.dynamic.ResourceProvider {
  /** Validates inputs with `trinoAccessRulesInputsSchema()` (the documented rule format). */
  async check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    return checkInputs(trinoAccessRulesInputsSchema(), news);
  }

  /** Replaces on a new path; a new document updates the file in place. */
  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    return diffInputs(olds, news, { keys: ["path", "document"], identity: ["path"], drift: ["filePresent"] });
  }

  /** Writes the file (temporary file, then rename: Trino never reads a half-written document). */
  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const i = parseInputs(trinoAccessRulesInputsSchema(), inputs);
    return { id: i.path, outs: writeRules(i) };
  }

  /** Reads the file back: a missing, edited or invalid file shows as drift. */
  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    const i = parseState(trinoAccessRulesInputsSchema(), props, ["path", "document"]);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require("node:fs") as typeof import("node:fs");
    let text: string;
    try {
      text = fs.readFileSync(i.path, "utf8");
    } catch (e) {
      if ((e as { code?: unknown }).code === "ENOENT") {
        const outs: TrinoAccessRulesOutputs = { ...i, filePresent: false, sha256: "" };
        return { id, props: outs };
      }
      throw fileError("read", i.path, e);
    }
    let live: unknown;
    try {
      live = JSON.parse(text);
    } catch {
      live = undefined;
    }
    const parsed = trinoRulesDocumentSchema().safeParse(live);
    const outs: TrinoAccessRulesOutputs = parsed.success
      ? { ...i, document: parsed.data, filePresent: true, sha256: sha256(text) }
      : { ...i, filePresent: false, sha256: sha256(text) };
    return { id, props: outs };
  }

  /** Rewrites the file with the new document. */
  async update(_id: string, _olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    return { outs: writeRules(parseInputs(trinoAccessRulesInputsSchema(), news)) };
  }

  /** Removes the file, unless it changed since accessplane last wrote or read it. */
  async delete(_id: string, props: Props): Promise<void> {
    const path = String(props.path);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require("node:fs") as typeof import("node:fs");
    let text: string;
    try {
      text = fs.readFileSync(path, "utf8");
    } catch (e) {
      if ((e as { code?: unknown }).code === "ENOENT") return;
      throw fileError("delete", path, e);
    }
    if (sha256(text) !== props.sha256) {
      throw new ProviderError(
        `trino: will not delete \`${path}\`: it changed outside Pulumi since accessplane wrote it; ` +
          "help: run `pulumi refresh` to adopt the current file, then delete again",
        "other",
      );
    }
    try {
      fs.unlinkSync(path);
    } catch (e) {
      throw fileError("delete", path, e);
    }
  }
}

function writeRules(i: TrinoAccessRulesInputs): TrinoAccessRulesOutputs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require("node:fs") as typeof import("node:fs");
  const text = renderTrinoRules(i.document);
  const tmp = `${i.path}.accessplane-${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, text, { mode: 0o644 });
    fs.renameSync(tmp, i.path);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    throw fileError("write", i.path, e);
  }
  return { ...i, document: trinoRulesDocumentSchema().parse(i.document), filePresent: true, sha256: sha256(text) };
}

const rulesProvider = new TrinoAccessRulesProvider();

/** The file-mode `rules.json` of a Trino cluster (estate scope). */
export class TrinoAccessRules extends dynamicResource<TrinoAccessRulesInputs, TrinoAccessRulesOutputs>(rulesProvider, "TrinoAccessRules", [
  "filePresent",
  "sha256",
]) {}
