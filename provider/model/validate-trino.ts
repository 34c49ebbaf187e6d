/**
 * The rules of the Trino configuration: access-grant mappings that include READ and never widen a
 * read policy, CREATE only where objects do not exist yet, and what file-based access control needs.
 */
import type { Issue } from "./issues";
import type { Config } from "./schema";
import type { Where } from "./validate-s3";

/** Checks the Trino configuration: mappings that never widen read, and what file mode needs; pure. */
export function validateTrinoConfig(config: Config, at: (sub: (string | number)[]) => Where): Issue[] {
  const out: Issue[] = [];
  const mappings: [(string | number)[], { READ: string[]; WRITE: string[] } | undefined][] = [
    [["trino", "accessGrantMapping"], config.trino.accessGrantMapping],
    [["trino", "cluster", "accessGrantMapping"], config.trino.cluster.accessGrantMapping],
  ];
  for (const [p, m] of mappings) {
    if (!m) continue;
    for (const k of ["READ", "WRITE"] as const) {
      if (!m[k].includes("READ")) {
        out.push({
          severity: "error",
          code: "trino-mapping-without-read",
          message: `the Trino access grant mapping for \`${k}\` does not include \`READ\``,
          ...at([...p, k]),
          help: "both mappings must include READ, e.g. `WRITE: [READ, WRITE]` and `READ: [READ]`",
        });
      }
      if (m[k].includes("CREATE")) {
        out.push({
          severity: "error",
          code: "trino-mapping-create",
          message: `the Trino access grant mapping for \`${k}\` includes \`CREATE\`, which no policy can grant`,
          ...at([...p, k]),
          help: "remove CREATE: it is allowed only on data not registered as a data source (`allowedNonDataSourceOperations`)",
        });
      }
    }
    if (m.READ.some((op) => op !== "READ")) {
      out.push({
        severity: "error",
        code: "trino-read-mapping-widens",
        message: `the Trino access grant mapping for \`READ\` includes ${m.READ.filter((o) => o !== "READ")
          .map((o) => `\`${o}\``)
          .join(", ")}`,
        ...at([...p, "READ"]),
        help: "a read policy must never grant modification: use `READ: [READ]`",
      });
    }
  }
  if (config.trino.cluster.allowedDataSourceOperations.includes("CREATE")) {
    out.push({
      severity: "error",
      code: "trino-create-on-data-sources",
      message: "`CREATE` is not valid in `allowedDataSourceOperations`: data sources already exist",
      ...at(["trino", "cluster", "allowedDataSourceOperations"]),
      help: "remove CREATE: it applies only to objects that do not exist yet, so only `allowedNonDataSourceOperations` may allow it",
    });
  }
  const unregistered = config.trino.cluster.allowedNonDataSourceOperations;
  if (config.trino.mode === "file" && unregistered.includes("OWN") !== unregistered.includes("CREATE")) {
    const [has, lacks] = unregistered.includes("OWN") ? ["OWN", "CREATE"] : ["CREATE", "OWN"];
    out.push({
      severity: "warning",
      code: "trino-unregistered-own-create-split",
      message: `\`allowedNonDataSourceOperations\` allows \`${has}\` without \`${lacks}\`: file-based access control has one privilege (OWNERSHIP) for creating, altering and dropping a table, so neither is granted on tables that are not data sources`,
      ...at(["trino", "cluster", "allowedNonDataSourceOperations"]),
      help: "allow both OWN and CREATE to let everyone create, alter and drop tables that are not data sources, or neither",
    });
  }
  const defaults = ["CREATE", "OWN", "READ", "WRITE"];
  if (config.trino.mode === "sql" && [...new Set(unregistered)].sort().join() !== defaults.join()) {
    out.push({
      severity: "warning",
      code: "trino-unregistered-bound-in-sql-mode",
      message:
        "`allowedNonDataSourceOperations` is not enforced in SQL mode: it only grants on data sources, and the connector's own access control decides everything else",
      ...at(["trino", "cluster", "allowedNonDataSourceOperations"]),
      help: "use file mode (`trino.mode: file`) to enforce it through the rules document, or restrict objects that are not data sources in the connector's access control",
    });
  }
  const admins = config.trino.admins;
  if (config.trino.mode === "file" && admins.users.length + admins.groups.length + admins.roles.length === 0) {
    out.push({
      severity: "error",
      code: "trino-file-mode-without-admins",
      message:
        "file mode names no Trino administrator: the rules document would deny every data source to everyone outside a policy, administrators included",
      ...at(["trino", "mode"]),
      help: "list the cluster's administrators (and the owners of shared views) under `trino.admins` (`users`, `groups`, `roles`)",
    });
  }
  return out;
}
