/**
 * The files `accessplane init` writes: a policy repository whose CLI, Pulumi program and workflow
 * all read one project file. Kept as code so the installed package needs nothing beside dist/.
 */
import type { Platform } from "../model/schema";

/** What the scaffold depends on. */
export interface TemplateInput {
  platforms: Platform[];
  /** accessplane's version. */
  version: string;
  /** The directory's name, for package.json and Pulumi.yaml. */
  name: string;
  /** accessplane's peer dependencies (name -> range), written as the project's dependencies. */
  peers: Record<string, string>;
  /**
   * Deploy as sharded stacks (`accessplane stacks`): .github/workflows/access-stacks.yml previews and
   * applies the touched stacks as a matrix, and access-review.yml keeps the checks and the diff.
   */
  sharded?: boolean;
}

/**
 * Per platform: a data source, a user's identity key and value, and its deployment prerequisites.
 * Sources: Snowflake MANAGE GRANTS grants as if the owner (docs.snowflake.com access control),
 * DEFAULT_SECONDARY_ROLES ('ALL') when unset (docs.snowflake.com release-notes/bcr-bundles/2024_08/bcr-1692);
 * Unity Catalog privileges only for account groups, created by account admins or workspace admins
 * of identity-federated workspaces (Databricks SQL reference, "Principal"; Unity Catalog best practices).
 */
interface PlatformTemplate {
  title: string;
  source: string;
  identity: (user: string) => [string, string];
  /** Platforms that can carry write privileges (the others are read-only by construction). */
  writes: boolean;
  prerequisites: string[];
}

const PLATFORM: Record<Platform, PlatformTemplate> = {
  snowflake: {
    title: "Snowflake",
    source: `  - id: snowflake.finance.invoices
    platform: snowflake
    objectType: BASE TABLE
    location: { database: FINANCE, schema: PUBLIC, table: INVOICES }
    tags: [finance, reference]`,
    identity: (u) => ["snowflake", u.toUpperCase()],
    writes: true,
    prerequisites: [
      "The deploying user's role holds CREATE ROLE on the account and MANAGE GRANTS (or owns the granted databases, schemas and tables): it creates one account role per policy and grants privileges and role membership.",
      "A user in several policy roles holds all of them only through secondary roles: keep `DEFAULT_SECONDARY_ROLES = ('ALL')` on users (Snowflake's value when unset, since behaviour change bundle 2024_08), or users must `USE SECONDARY ROLES ALL`.",
      "Credentials: explicit provider from stack config (`snowflakeOrganization`, `snowflakeAccount`, `snowflakeUser`, `snowflakeRole`, secret `snowflakePrivateKey`, key-pair authentication).",
    ],
  },
  "databricks-unity-catalog": {
    title: "Databricks Unity Catalog",
    source: `  - id: uc.finance.invoices
    platform: databricks-unity-catalog
    objectType: MANAGED
    location: { catalog: main, schema: finance, table: invoices }
    tags: [finance, reference]`,
    identity: (u) => ["databricks", `${u}@example.com`],
    writes: true,
    prerequisites: [
      "Unity Catalog grants go to account-level groups: a workspace-local group cannot be granted on a securable. Groups and memberships are made through the account provider (`databricksAccountId`, account admin); grants through the workspace provider.",
      "On the metastore, it must own the catalogs, schemas and tables, or hold MANAGE on them (a metastore admin can grant everywhere), to grant USE CATALOG, USE SCHEMA, SELECT and MODIFY.",
      "Credentials: two explicit providers from stack config: the account (`databricksAccountId`, the accounts host) and the workspace (`databricksHost`, secret `databricksToken`); OAuth machine-to-machine through `DATABRICKS_CLIENT_ID` / `DATABRICKS_CLIENT_SECRET` in the environment works for both.",
    ],
  },
  "databricks-spark": {
    title: "Databricks Spark (table ACLs)",
    source: `  - id: spark.finance.invoices
    platform: databricks-spark
    objectType: TABLE
    location: { catalog: hive_metastore, schema: finance, table: invoices }
    tags: [finance, reference]`,
    identity: (u) => ["databricks", `${u}@example.com`],
    writes: false,
    prerequisites: [
      "Policy groups are account groups assigned to the workspace (`databricks.workspaceId` in accessplane.yaml); the account provider needs an account admin.",
      "Grants are GRANT/REVOKE statements naming only accessplane's groups, run on a SQL warehouse by a workspace admin or the owner of the tables (nothing granted outside accessplane is revoked). `databricksSpark.authoritative: true` uses the authoritative `SqlPermissions` instead, which revokes every other grant on those tables.",
      "Credentials: stack config `accessplane:databricksHost`, `accessplane:databricksWarehouseId` and secret `accessplane:databricksToken` (or `ACCESSPLANE_DATABRICKS_*` in the environment).",
    ],
  },
  trino: {
    title: "Starburst (Trino)",
    source: `  - id: trino.lake.invoices
    platform: trino
    objectType: BASE TABLE
    location: { catalog: lake, schema: finance, table: invoices }
    tags: [finance, reference]`,
    identity: (u) => ["trino", u],
    writes: true,
    prerequisites: [
      "SQL mode: the deploying user is a Trino admin allowed to CREATE ROLE and GRANT on the catalogs (system access control). File mode: the program writes `trino.rulesPath`, so it runs where the coordinator reads that file, and `trino.admins` names the administrators whose rules come first.",
      "Credentials: stack config `accessplane:trinoUrl`, `accessplane:trinoUser` and secret `accessplane:trinoPassword`, or `ACCESSPLANE_TRINO_URL` / `_USER` / `_PASSWORD` in the environment (config wins).",
    ],
  },
  redshift: {
    title: "Amazon Redshift",
    source: `  - id: redshift.dw.invoices
    platform: redshift
    objectType: BASE TABLE
    location: { database: dw, schema: finance, table: invoices }
    tags: [finance, reference]`,
    identity: (u) => ["redshift", u],
    writes: false,
    prerequisites: [
      "An admin user (superuser, or owner of the source tables with CREATE on the database): it creates the managed schema, the entitlements table and one view per data source, and grants SELECT on the views.",
      "Managed views live in their source's database: one connection per database.",
      "Credentials: secret stack config `accessplane:redshiftUrl` (or `accessplane:redshiftUrls`, a JSON object database -> URL) or `ACCESSPLANE_REDSHIFT_URL` in the environment (config wins).",
    ],
  },
  synapse: {
    title: "Azure Synapse Analytics",
    source: `  - id: synapse.dw.invoices
    platform: synapse
    objectType: BASE TABLE
    location: { database: dw, schema: dbo, table: invoices }
    tags: [finance, reference]`,
    identity: (u) => ["synapse", `${u}@example.com`],
    writes: false,
    prerequisites: [
      "An admin user of the dedicated SQL pool (db_owner, or CREATE SCHEMA, CREATE VIEW, CREATE TABLE and control of the source tables): it creates the managed schema, the entitlements table and the views.",
      "Views reach their source through ownership chaining: the managed schema is owned by `viewBased.synapseSchemaOwner` (default `dbo`), which must own the source tables.",
      "Credentials: secret stack config `accessplane:synapseUrl` (or `accessplane:synapseUrls`, a JSON object database -> URL) or `ACCESSPLANE_SYNAPSE_URL` in the environment (config wins).",
    ],
  },
  bigquery: {
    title: "Google BigQuery",
    source: `  - id: bigquery.finance.invoices
    platform: bigquery
    objectType: BASE TABLE
    location: { project: my-gcp-project, dataset: finance, table: invoices, location: EU }
    tags: [finance, reference]`,
    identity: (u) => ["bigquery", `user:${u}@example.com`],
    writes: false,
    prerequisites: [
      "The deploying service account creates the mirrored datasets and views (`bigquery.datasets.create`, e.g. BigQuery Data Editor on the project), authorizes the views on the source datasets and sets IAM on the views (BigQuery Data Owner on the source and mirrored datasets, or BigQuery Admin).",
      "Each source names its dataset's location (`location: EU` above): the mirrored dataset is created there, as an authorized view must be. Subscribers run queries with `bigquery.jobs.create` in a project of theirs (BigQuery Job User).",
      "Credentials: explicit provider with stack config `gcpProject`; the credentials come from the environment (`GOOGLE_APPLICATION_CREDENTIALS`, or workload identity federation in CI).",
    ],
  },
  s3: {
    title: "Amazon S3 Access Grants",
    source: `  - id: s3.finance.invoices
    platform: s3
    objectType: PREFIX
    location: { bucket: my-finance-bucket, prefix: invoices/ }
    tags: [finance, reference]`,
    identity: (u) => [
      "identityCenter",
      `00000000-0000-0000-0000-${u
        .padEnd(12, "0")
        .slice(0, 12)
        .replace(/[^0-9a-f]/g, "0")}`,
    ],
    writes: true,
    prerequisites: [
      "An S3 Access Grants instance in the account and region, associated with the IAM Identity Center instance (for `identity-center` principals), and registered locations covering the buckets (`s3.locations`, or `s3.manageInstance: true` to create the instance and locations).",
      "The deploying role may create access grants (`s3:CreateAccessGrant`, `s3:DeleteAccessGrant`) and, in group mode, Identity Center groups and memberships (`identitystore:CreateGroup`, `identitystore:CreateGroupMembership`).",
      "Set `s3.accountId` and `s3.identityStoreId` in accessplane.yaml to your account and identity store (the values written here are placeholders).",
      "Credentials: explicit provider with stack config `awsRegion`; the credentials come from the environment (`AWS_PROFILE`, or OIDC role assumption in CI).",
    ],
  },
};

const SCHEMA = (depth: string, name: string) =>
  `# yaml-language-server: $schema=${depth}node_modules/accessplane/schema/${name}.schema.json`;

const USERS = [
  { id: "ana", groups: ["analysts", "finance"], department: "finance" },
  { id: "ben", groups: ["data-engineers"], department: "engineering" },
  { id: "cleo", groups: ["stewards", "finance"], department: "finance" },
];

function inventoryUsers(platforms: Platform[]): string {
  const lines = [
    SCHEMA("../", "inventory"),
    "# People, their groups and attributes, and the identity each platform knows them by.",
    "users:",
  ];
  for (const u of USERS) {
    lines.push(
      `  - id: ${u.id}`,
      `    email: ${u.id}@example.com`,
      `    groups: [${u.groups.join(", ")}]`,
      `    attributes: { department: [${u.department}] }`,
      "    identities:",
    );
    const ids = new Map(platforms.map((p) => PLATFORM[p].identity(u.id)));
    for (const [k, v] of ids) lines.push(`      ${k}: ${v}`);
  }
  lines.push(
    "groups:",
    "  - { id: analysts, description: Business analysts }",
    "  # A group the identity provider provisions to the platforms says where, and policies its members all",
    "  # qualify for (a condition naming it, or anyone) grant to the group instead of to each member",
    "  # (README: memberships through synced groups):",
    '  # - { id: finance, identities: { snowflake: FINANCE, databricks: finance, bigquery: "group:finance@example.com" } }',
    "  - { id: finance, description: Finance department }",
    "  - { id: data-engineers, description: Build and maintain pipelines }",
    '  - { id: stewards, description: Data stewards who approve access requests, github: "@my-org/data-stewards" }',
  );
  return lines.join("\n") + "\n";
}

function inventorySources(platforms: Platform[]): string {
  return (
    [
      SCHEMA("../", "inventory"),
      "# The data sources the policies select: one object per platform here.",
      "dataSources:",
      ...platforms.map((p) => PLATFORM[p].source),
    ].join("\n") + "\n"
  );
}

function policies(platforms: Platform[]): Record<string, string> {
  const head = SCHEMA("../", "policy");
  const writable = platforms.filter((p) => PLATFORM[p].writes);
  return {
    "policies/everyone-reads-reference.yaml": `${head}
# Restriction level "anyone": every user in the inventory.
name: everyone-reads-reference
description: Reference data is open to every known user.
access: read
subscribers:
  anyone: true
dataSources:
  tags: { anyOf: [reference] }
`,
    "policies/finance-reads-finance.yaml": `${head}
# Restriction level "when": users whose groups or attributes match.
name: finance-reads-finance
description: Finance staff, and analysts in the finance department, read finance data.
access: read
subscribers:
  when:
    anyOf:
      - group: finance
      - allOf:
          - group: analysts
          - attribute: department
            values: [finance]
dataSources:
  tags: { anyOf: [finance] }
`,
    "policies/finance-by-request.yaml": `${head}
# Restriction level "approval": users an approver has approved; an approval grants until it expires.
name: finance-by-request
description: Anyone may ask for finance data; a data steward approves.
access: read
subscribers:
  approval:
    approvers: { groups: [stewards] }
    approvals: []
    # - user: ben
    #   approvedBy: cleo
    #   approvedAt: 2026-01-01T09:00:00Z
    #   expiresAt: 2026-12-31T00:00:00Z
dataSources:
  tags: { anyOf: [finance] }
`,
    "policies/engineers-write-finance.yaml": `${head}
# Restriction level "users": named users, each optionally until an expiry.
name: engineers-write-finance
description: Named data engineers maintain finance data. Write access is not captured by audit.
access: ${writable.length ? "write" : "read"}
subscribers:
  users:
    - ben
dataSources:
  tags: { anyOf: [finance] }${writable.length && writable.length < platforms.length ? `\n  platforms: [${writable.join(", ")}]` : ""}
`,
  };
}

function projectFile(platforms: Platform[]): string {
  const has = (p: Platform) => platforms.includes(p);
  const lines = [
    SCHEMA("./", "config"),
    "# The accessplane project file: `accessplane`, the Pulumi program (index.ts) and the workflow all",
    "# read this file, so the estate reviewers approve is the estate that deploys. Paths are relative",
    "# to this file; the platform configuration follows them.",
    "policies: policies",
    "inventory: inventory",
    "naming:",
    "  snowflakeRolePrefix: AP_",
    "  groupPrefix: ap-",
    "# The governance team owns global policies, this file and the workflows: `accessplane codeowners`",
    "# writes .github/CODEOWNERS from it (the group's `github` team) and from the domains' stewards.",
    "stewardship:",
    "  governance: { groups: [stewards] }",
  ];
  if (has("trino"))
    lines.push(
      "trino:",
      "  mode: sql",
      "  # File mode (`mode: file`) needs the administrators whose rules come first:",
      "  # admins: { users: [admin] }",
    );
  if (has("databricks-unity-catalog") || has("databricks-spark")) {
    lines.push(
      "databricks:",
      "  # The numeric id of the workspace that grants and policy groups are made in.",
      '  workspaceId: "1234567890123456"',
    );
  }
  if (has("s3")) {
    lines.push(
      "s3:",
      "  principalMode: identity-center",
      "  identityCenterGrantee: group",
      "  # Replace with your identity store and the AWS account of the Access Grants instance.",
      "  identityStoreId: d-0000000000",
      '  accountId: "123456789012"',
      "  # Registered Access Grants locations; each grant is relative to the longest scope holding its source.",
      "  locations:",
      '    - { id: default, scope: "s3://" }',
    );
  }
  if (has("redshift") || has("synapse") || has("bigquery")) {
    lines.push("viewBased:", "  managedSchema: accessplane", "  bigqueryDatasetSuffix: _accessplane");
  }
  return lines.join("\n") + "\n";
}

function program(platforms: Platform[]): string {
  const has = (p: Platform) => platforms.includes(p);
  const databricks = has("databricks-unity-catalog") || has("databricks-spark");
  const imports = [
    'import * as pulumi from "@pulumi/pulumi";',
    ...(has("s3") ? ['import * as aws from "@pulumi/aws";'] : []),
    ...(databricks ? ['import * as databricks from "@pulumi/databricks";'] : []),
    ...(has("bigquery") ? ['import * as gcp from "@pulumi/gcp";'] : []),
    ...(has("snowflake") ? ['import * as snowflake from "@pulumi/snowflake";'] : []),
    'import { AccessEstate, formatIssue, loadEstate, type Providers, sliceOfStack } from "accessplane";',
  ];
  const providers: string[] = [];
  if (has("snowflake")) {
    providers.push(`  snowflake: new snowflake.Provider("snowflake", {
    organizationName: cfg.require("snowflakeOrganization"),
    accountName: cfg.require("snowflakeAccount"),
    user: cfg.require("snowflakeUser"),
    role: cfg.get("snowflakeRole") ?? "ACCESSPLANE_ADMIN",
    authenticator: "SNOWFLAKE_JWT",
    privateKey: cfg.requireSecret("snowflakePrivateKey"),
  }),`);
  }
  if (databricks) providers.push("  databricksAccount: account,");
  if (has("databricks-unity-catalog")) providers.push('  "databricks-unity-catalog": workspace,');
  if (has("databricks-spark")) providers.push('  "databricks-spark": workspace,');
  if (has("s3")) providers.push('  s3: new aws.Provider("aws", { region: cfg.require("awsRegion") }),');
  if (has("bigquery")) providers.push('  bigquery: new gcp.Provider("gcp", { project: cfg.require("gcpProject") }),');
  const dynamic = platforms.filter((p) => p === "trino" || p === "redshift" || p === "synapse");
  return `/**
 * The Pulumi program: the estate named by accessplane.yaml (the same file \`accessplane plan\` and
 * \`accessplane diff\` read) expanded into native grants, with one explicit provider per platform
 * configured from stack config and secrets (\`pulumi config set [--secret] <key> <value>\`).
 */
${imports.join("\n")}

// Throws one error listing every problem (file:line, code, message, help) when the estate has errors.
const estate = loadEstate("accessplane.yaml");
for (const warning of estate.warnings) void pulumi.log.warn(formatIssue(warning));

const cfg = new pulumi.Config();
${databricks ? '// Policy groups are account groups (Unity Catalog grants accept no workspace-local group), shared by\n// Unity Catalog and Spark; grants go through the workspace.\nconst account = new databricks.Provider("databricks-account", { host: "https://accounts.cloud.databricks.com", accountId: cfg.require("databricksAccountId") });\nconst workspace = new databricks.Provider("databricks", { host: cfg.require("databricksHost"), token: cfg.requireSecret("databricksToken") });\n' : ""}${dynamic.length ? `// ${dynamic.join(", ")}: accessplane's own providers read \`accessplane:*\` stack config (see README.md).\n` : ""}const providers: Providers = {
${providers.join("\n")}
};

// Sharded stacks (\`accessplane stacks\`, .github/workflows/access-stacks.yml): with
// \`pulumi config set accessplane:sliceFromStack true\` the stack's name is its slice (\`snowflake-3-of-12\`).
const sliced = new pulumi.Config("accessplane").getBoolean("sliceFromStack") ?? false;
const slice = sliced ? sliceOfStack(pulumi.getStack()) : undefined;
if (sliced && !slice) {
  throw new Error(\`stack \\\`\${pulumi.getStack()}\\\` is not named as \\\`accessplane stacks\\\` names stacks: name it <family> or <family>-<index>-of-<count> (a platform, or databricks for both Databricks platforms)\`);
}

const access = new AccessEstate("access", { ...estate, providers, ...(slice ? { slice } : {}) });

/** Resource and principal counts. */
export const counts = access.counts;
/** The principal (role, group) names of each policy. */
export const principals = access.principalNames;
`;
}

/**
 * The scheduled pull: reads the sources of accessplane.yaml (`inventory.sources`) and, when a pulled
 * file changed, opens or updates one pull request whose body is the effective-access diff, so that a
 * new table, a changed tag or a leaver is reviewed like any other access change. The pull request
 * action's inputs: https://github.com/peter-evans/create-pull-request#action-inputs.
 */
export const INVENTORY_WORKFLOW = `# accessplane inventory pull (written by \`accessplane init\`): .github/workflows/inventory-pull.yml.
#
# Daily: \`accessplane inventory pull\` rewrites inventory/pulled/ from the sources of accessplane.yaml
# (catalogs and the identity provider). When anything changed, one pull request is opened or updated
# on the branch \`accessplane/inventory-pull\`, with \`accessplane diff --format markdown\` (who gains or
# loses access through the change) as its body; the access review workflow runs on it like on any
# other pull request. Each source's credential is an environment variable named in accessplane.yaml:
# map it from a repository secret below. Allow GitHub Actions to create pull requests in the
# repository settings (Actions > General > Workflow permissions).
name: inventory pull

on:
  schedule:
    - cron: "41 4 * * *"
  workflow_dispatch: {}

concurrency:
  group: inventory-pull
  cancel-in-progress: false

jobs:
  pull:
    runs-on: ubuntu-latest
    permissions:
      contents: write
      pull-requests: write
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0 # the diff reads the base branch from git

      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm

      - name: Install
        run: npm ci

      - name: Pull the inventory
        env:
          # One line per credential that accessplane.yaml names, e.g.:
          SCIM_TOKEN: \${{ secrets.SCIM_TOKEN }}
          REDSHIFT_PASSWORD: \${{ secrets.REDSHIFT_PASSWORD }}
        run: npx accessplane inventory pull

      - name: Effective-access diff
        id: diff
        run: |
          if git diff --quiet -- . && [ -z "$(git ls-files --others --exclude-standard)" ]; then
            echo "changed=false" >> "$GITHUB_OUTPUT"
            exit 0
          fi
          echo "changed=true" >> "$GITHUB_OUTPUT"
          npx accessplane diff --base "origin/\${{ github.event.repository.default_branch }}" --format markdown --no-resources > diff.md || true

      - name: Open or update the pull request
        if: steps.diff.outputs.changed == 'true'
        uses: peter-evans/create-pull-request@v7
        with:
          branch: accessplane/inventory-pull
          delete-branch: true
          add-paths: |
            **/pulled/*.yaml
          commit-message: "inventory: pull from the platforms and the identity provider"
          title: "Inventory pull: changes from the platforms and the identity provider"
          body-path: diff.md
          labels: inventory-pull
`;

/** The review workflow: checks and the diff on pull requests; with one stack, also `pulumi preview`, and `pulumi up` on main and daily. */
function reviewWorkflow(sharded: boolean): string {
  return `# accessplane access review (written by \`accessplane init\`): .github/workflows/access-review.yml.
#
# Pull requests: validate the policies, post the effective-access diff (who gains, loses or changes
# which privileges) as a sticky comment${sharded ? "" : ", and run \`pulumi preview\`"}. The run fails when access widens
# unless the pull request carries the \`access-widening-approved\` label (adding the label re-runs it).
${sharded ? SHARDED_NOTE : ONE_STACK_NOTE}name: access review

on:
  pull_request:
    types: [opened, synchronize, reopened, labeled, unlabeled]
  # A review submitted or dismissed re-runs the approvals check.
  pull_request_review:
    types: [submitted, dismissed]
${sharded ? "" : ONE_STACK_TRIGGERS}
env:
${sharded ? "" : "  PULUMI_STACK: my-org/access/prod\n"}  ACK_LABEL: access-widening-approved

concurrency:
  group: access-review-\${{ github.event.pull_request.number || github.ref }}
  cancel-in-progress: \${{ github.event_name == 'pull_request' }}

jobs:
  # Make this job a required status check (branch protection): on GitHub anyone with read access can
  # approve a pull request, so this check, not the approval, is the gate. It fails when CODEOWNERS
  # no longer matches the stewards, and when an approval the pull request adds is not backed by an
  # approving review of its approver (who is not the pull request's author).
  approvals:
    if: github.event_name == 'pull_request' || github.event_name == 'pull_request_review'
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pull-requests: read
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0 # verify-approvals reads the base branch from git

      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm

      - name: Install
        run: npm ci

      - name: CODEOWNERS matches the stewards
        run: npx accessplane codeowners --check

      - name: Approvals are backed by reviews
        env:
          # Lists the pull request's reviews through the REST API; never printed.
          GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }}
          BASE_REF: \${{ github.event.pull_request.base.ref }}
        run: npx accessplane verify-approvals --base "origin/$BASE_REF"

  review:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pull-requests: write
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0 # the diff reads the base branch from git

      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm

      - name: Install
        run: npm ci

      - name: Validate policies and inventory
        run: npx accessplane validate

      - name: Effective-access diff
        id: diff
        env:
          BASE_REF: \${{ github.base_ref }}
          ACK: \${{ contains(github.event.pull_request.labels.*.name, env.ACK_LABEL) && '--ack' || '' }}
        run: |
          set +e
          npx accessplane diff --base "origin/$BASE_REF" --format markdown --fail-on-widen $ACK > diff.md
          code=$?
          echo "code=$code" >> "$GITHUB_OUTPUT"
          if [ "$code" != 0 ] && [ "$code" != 3 ]; then
            # Errors go to stderr (the step log): say so in the comment rather than post nothing.
            printf '\\n**accessplane**: the access diff failed (exit %s): see [the workflow run](%s)\\n' "$code" "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID" >> diff.md
          fi
          cat diff.md >> "$GITHUB_STEP_SUMMARY"
          exit 0

      - name: Post the diff as a pull-request comment
        if: always() && steps.diff.outputs.code != ''
        uses: marocchino/sticky-pull-request-comment@v2
        with:
          header: accessplane-access-diff
          path: diff.md

${sharded ? "" : PREVIEW_STEP}      - name: Require acknowledgement of widened access
        if: steps.diff.outputs.code == '3'
        run: |
          echo "::error::access widens in this pull request: review the access diff comment, then add the \\\`$ACK_LABEL\\\` label to acknowledge it"
          exit 1

      - name: Fail on errors in the head estate
        if: steps.diff.outputs.code != '0' && steps.diff.outputs.code != '3'
        run: |
          echo "::error::accessplane diff exited with code \${{ steps.diff.outputs.code }}: see the step log"
          exit 1

${sharded ? "" : DEPLOY_JOB}`;
}

const ONE_STACK_TRIGGERS = `  push:
    branches: [main]
  schedule:
    - cron: "17 5 * * *"
`;
const ONE_STACK_NOTE = `# Push to main: \`pulumi up\`. Daily schedule: \`pulumi up\` again, so expired approvals and selections
# are revoked on time. accessplane and the Pulumi program both read accessplane.yaml at the
# repository root, so the estate that reviewers approve is the estate that deploys.
`;
const SHARDED_NOTE = `# Deploys are in .github/workflows/access-stacks.yml: the estate is split into sharded stacks
# (\`accessplane stacks\`), previewed and applied as a matrix. accessplane and the Pulumi program both
# read accessplane.yaml at the repository root, so the estate that reviewers approve is the estate
# that deploys.
`;
const PREVIEW_STEP = `      - name: Pulumi preview
        uses: pulumi/actions@v6
        with:
          command: preview
          stack-name: \${{ env.PULUMI_STACK }}
          comment-on-pr: true
          diff: true
        env:
          PULUMI_ACCESS_TOKEN: \${{ secrets.PULUMI_ACCESS_TOKEN }}

`;
const DEPLOY_JOB = `  deploy:
    if: github.event_name == 'push' || github.event_name == 'schedule'
    runs-on: ubuntu-latest
    environment: production
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@v4

      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm

      - name: Install
        run: npm ci

      - name: Validate policies and inventory
        run: npx accessplane validate

      - name: Upcoming expirations
        run: npx accessplane plan --format markdown >> "$GITHUB_STEP_SUMMARY"

      - name: Pulumi up
        uses: pulumi/actions@v6
        with:
          command: up
          stack-name: \${{ env.PULUMI_STACK }}
        env:
          PULUMI_ACCESS_TOKEN: \${{ secrets.PULUMI_ACCESS_TOKEN }}
`;

/** The workflow of a one-stack project: review on pull requests, deploy on main and daily; every step reads accessplane.yaml. */
export const WORKFLOW = reviewWorkflow(false);
/** The review workflow of a sharded project (`init --sharded`), beside SHARDED_WORKFLOW. */
export const SHARDED_REVIEW_WORKFLOW = reviewWorkflow(true);

function readme(platforms: Platform[], name: string, sharded: boolean): string {
  const cfg: string[] = [];
  const has = (p: Platform) => platforms.includes(p);
  if (has("snowflake")) {
    cfg.push(
      "pulumi config set snowflakeOrganization MYORG",
      "pulumi config set snowflakeAccount MYACCOUNT",
      "pulumi config set snowflakeUser ACCESSPLANE_DEPLOYER",
      "pulumi config set snowflakeRole ACCESSPLANE_ADMIN",
      'pulumi config set --secret snowflakePrivateKey -- "$(cat rsa_key.p8)"',
    );
  }
  if (has("databricks-unity-catalog") || has("databricks-spark")) {
    cfg.push(
      "pulumi config set databricksAccountId <account-id>",
      "pulumi config set databricksHost https://<workspace>.cloud.databricks.com",
      "pulumi config set --secret databricksToken <token>",
    );
  }
  if (has("databricks-spark")) {
    cfg.push(
      "pulumi config set accessplane:databricksHost https://<workspace>.cloud.databricks.com",
      "pulumi config set accessplane:databricksWarehouseId <warehouse-id>",
      "pulumi config set --secret accessplane:databricksToken <token>",
    );
  }
  if (has("s3")) cfg.push("pulumi config set awsRegion eu-west-1");
  if (has("bigquery")) cfg.push("pulumi config set gcpProject my-gcp-project");
  if (has("trino"))
    cfg.push(
      "pulumi config set accessplane:trinoUrl https://trino.example.com:8443",
      "pulumi config set accessplane:trinoUser accessplane",
      "pulumi config set --secret accessplane:trinoPassword <password>",
    );
  if (has("redshift")) cfg.push("pulumi config set --secret accessplane:redshiftUrl 'redshift://admin:<password>@<cluster>:5439/dw'");
  if (has("synapse"))
    cfg.push(
      "pulumi config set --secret accessplane:synapseUrl 'Server=tcp:<ws>.sql.azuresynapse.net,1433;Database=dw;User Id=admin;Password=<password>'",
    );
  const prereq = platforms.flatMap((p) => [
    `### ${PLATFORM[p].title}`,
    "",
    ...PLATFORM[p].prerequisites.map((l) => `- ${l}`),
    `- Details: \`docs/platforms/${p}.md\` in the accessplane repository.`,
    "",
  ]);
  return `# ${name}

Data access policies as code with [accessplane](https://www.npmjs.com/package/accessplane): who may
read or write which data sources, expanded into native grants on ${platforms.map((p) => PLATFORM[p].title).join(", ")}.

\`accessplane.yaml\` is the project file: it names \`policies/\` and \`inventory/\` and holds the
platform configuration. The CLI finds it from any directory below it; the Pulumi program
(\`index.ts\`) and the workflow (\`.github/workflows/access-review.yml\`) read the same file.

## Try it offline

\`\`\`sh
npm install
npx accessplane validate                 # every error and warning; exit 1 on errors
npx accessplane plan                     # who gets what, per user and per data source
npx accessplane explain ana              # why ana has, or lacks, access
npx accessplane diff --base main         # who gains or loses what against main
\`\`\`

## Layout

| path | what |
|---|---|
| \`accessplane.yaml\` | project file: paths and platform configuration |
| \`policies/\` | one policy per file; one example per restriction level (anyone, when, approval, users) |
| \`inventory/\` | users with their platform identities, and data sources |
| \`index.ts\`, \`Pulumi.yaml\` | the Pulumi program: \`AccessEstate\` over accessplane.yaml, explicit providers |
${sharded ? SHARDED_LAYOUT : ONE_STACK_LAYOUT}
| \`.github/workflows/inventory-pull.yml\` | scheduled \`accessplane inventory pull\`, as a pull request when the live estate changed |
| \`.github/CODEOWNERS\` | written by \`accessplane codeowners\`: policy and inventory files owned by their domain's stewards, the rest by the governance team; CI checks it is current |

## Deploy

\`\`\`sh
pulumi stack init my-org/access/prod
${cfg.join("\n")}
pulumi preview
\`\`\`

${sharded ? SHARDED_DEPLOY : ONE_STACK_DEPLOY}
Regenerate CODEOWNERS (\`npx accessplane codeowners\`) after changing stewards, domains, the
governance team or GitHub identities; set the \`github\` team of the \`stewards\` group first.

## Prerequisites of the deploying identity

${prereq.join("\n").trimEnd()}
`;
}

const ONE_STACK_LAYOUT =
  "| `.github/workflows/access-review.yml` | checks, diff comment and `pulumi preview` on pull requests, `pulumi up` on main and daily |";
const SHARDED_LAYOUT = `| \`.github/workflows/access-review.yml\` | checks and the access diff comment on pull requests |
| \`.github/workflows/access-stacks.yml\` | \`pulumi preview\` of the touched stacks on pull requests; \`pulumi up\` of them on main (grants in every stack before any revocation) and of every stack daily |`;
const ONE_STACK_DEPLOY = `In GitHub, add the secret \`PULUMI_ACCESS_TOKEN\`, edit \`PULUMI_STACK\` in the workflow, and create
the label \`access-widening-approved\` (reviewers add it to accept a pull request that widens access).
`;
const SHARDED_DEPLOY = `Sharded: \`npx accessplane stacks\` lists the stacks (platform x shard, both Databricks platforms
together, at most 5,000 resources each); \`npx accessplane stacks --write\` records their counts in
accessplane.yaml (commit it: stack names then stay put as the estate grows). The workflow creates
each stack as \`my-org/access/<name>\`. Keep the configuration above in a
Pulumi ESC environment (\`pulumi config env init --env access/providers\` on the configured stack),
which each new stack imports. In GitHub, add the secret \`PULUMI_ACCESS_TOKEN\`, edit
\`PULUMI_ORG_PROJECT\` and \`PULUMI_ESC_ENV\` in access-stacks.yml, and create the label
\`access-widening-approved\` (reviewers add it to accept a pull request that widens access).
`;

/** Every file of the scaffold, by path relative to the target directory. */
export function initFiles(input: TemplateInput): Record<string, string> {
  const name =
    input.name
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "access-policies";
  const pkg = {
    name,
    private: true,
    description: "Data access policies as code (accessplane)",
    scripts: { validate: "accessplane validate", plan: "accessplane plan", "diff:main": "accessplane diff --base main" },
    dependencies: { accessplane: `^${input.version}`, ...input.peers },
    devDependencies: { "@types/node": "^20.0.0", typescript: "^5.0.0" },
    engines: { node: ">=20" },
  };
  return {
    "package.json": JSON.stringify(pkg, null, 2) + "\n",
    "Pulumi.yaml": `name: ${name}\ndescription: Data access policies as code (accessplane)\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n`,
    "tsconfig.json":
      JSON.stringify(
        {
          compilerOptions: {
            strict: true,
            target: "es2022",
            module: "node16",
            moduleResolution: "node16",
            skipLibCheck: true,
            esModuleInterop: true,
            outDir: "bin",
          },
          files: ["index.ts"],
        },
        null,
        2,
      ) + "\n",
    "index.ts": program(input.platforms),
    "accessplane.yaml": projectFile(input.platforms),
    ...policies(input.platforms),
    "inventory/users.yaml": inventoryUsers(input.platforms),
    "inventory/data-sources.yaml": inventorySources(input.platforms),
    ".github/workflows/access-review.yml": input.sharded ? SHARDED_REVIEW_WORKFLOW : WORKFLOW,
    ...(input.sharded ? { ".github/workflows/access-stacks.yml": SHARDED_WORKFLOW } : {}),
    ".github/workflows/inventory-pull.yml": INVENTORY_WORKFLOW,
    ".gitignore": "node_modules/\nbin/\n",
    "README.md": readme(input.platforms, name, input.sharded === true),
  };
}

/**
 * The workflow for estates split into sharded stacks (`accessplane stacks`): previews of the
 * touched stacks as a matrix with one combined comment; on main, creations in every stack before
 * any stack's updates and deletions. Also examples/github-actions/sharded-stacks.yml.
 */
export const SHARDED_WORKFLOW = `# accessplane sharded stacks: .github/workflows/access-stacks.yml, for estates too large for one stack.
#
# \`accessplane stacks\` splits the estate into Pulumi stacks (platform x shard, both Databricks
# platforms in one since they share account groups, at most --max-resources each); a stack's name is its slice (\`snowflake-3-of-12\`), which the Pulumi program
# reads with \`sliceOfStack(pulumi.getStack())\` (the root program does with \`accessplane:sliceFromStack:
# true\`, which the grant job sets), so stack names and slices come from accessplane.yaml.
# Pull requests: \`pulumi preview\` of every stack the change touches, as a matrix, then one combined
# comment. Push to main: \`pulumi up\` of the touched stacks in two waves, so a user who moves from a
# principal in one stack to a principal in another never loses access in between: first every
# stack applies only its creations (new roles, grants and memberships), then every stack applies
# everything (updates and deletions, the revocations). Past 256 stacks, a job runs several.
# A platform with a principal too large for one stack is split into \`<platform>-principals-*\`
# stacks and \`<platform>-members-*\` stacks (users' grants of those roles, by user): members stacks
# create after the principals stacks created the roles, and revoke before them. Revocations run
# even when a creation failed, so removing access is never blocked (a user whose new grant failed
# goes without it until the next run). The members jobs reuse the steps of the others (YAML
# anchors, which GitHub Actions reads).
# Every stack needs the same provider configuration: keep it in the Pulumi ESC environment
# PULUMI_ESC_ENV (\`pulumi config env init\` makes one from a configured stack); a stack created
# here imports it (\`pulumi config env add\`) and gets \`accessplane:sliceFromStack: true\`.
# With the layout recorded in accessplane.yaml (\`accessplane stacks --write\`), \`--changed\` reads the
# touched stacks from the plans in seconds, and the daily run (every stack, registered) does the
# \`--check\`.
# Daily schedule: both waves over every stack, so expired approvals and selections are revoked on
# time (expiry changes the plan without a commit, so no stack counts as touched).
name: access stacks

on:
  pull_request:
  push:
    branches: [main]
  schedule:
    - cron: "17 5 * * *"

env:
  PULUMI_ORG_PROJECT: my-org/access
  PULUMI_ESC_ENV: access/providers

jobs:
  stacks:
    runs-on: ubuntu-latest
    outputs:
      matrix: \${{ steps.stacks.outputs.matrix }}
      any: \${{ steps.stacks.outputs.any }}
      first: \${{ steps.stacks.outputs.first }}
      anyFirst: \${{ steps.stacks.outputs.anyFirst }}
      members: \${{ steps.stacks.outputs.members }}
      anyMembers: \${{ steps.stacks.outputs.anyMembers }}
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - id: stacks
        env:
          BASE: \${{ github.event_name == 'pull_request' && format('origin/{0}', github.base_ref) || github.event.before }}
        run: |
          if [ "$GITHUB_EVENT_NAME" = schedule ]; then set --; else set -- --changed --base "$BASE"; fi
          npx accessplane stacks --max-resources 5000 --check "$@" --format json > stacks.json
          echo "matrix=$(jq -c .matrix stacks.json)" >> "$GITHUB_OUTPUT"
          echo "any=$(jq '.stacks | length > 0' stacks.json)" >> "$GITHUB_OUTPUT"
          echo "first=$(jq -c .deploy.first stacks.json)" >> "$GITHUB_OUTPUT"
          echo "anyFirst=$(jq '.deploy.first.include | length > 0' stacks.json)" >> "$GITHUB_OUTPUT"
          echo "members=$(jq -c .deploy.members stacks.json)" >> "$GITHUB_OUTPUT"
          echo "anyMembers=$(jq '.deploy.members.include | length > 0' stacks.json)" >> "$GITHUB_OUTPUT"

  preview:
    needs: stacks
    if: github.event_name == 'pull_request' && needs.stacks.outputs.any == 'true'
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix: \${{ fromJSON(needs.stacks.outputs.matrix) }}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - uses: pulumi/actions@v6
      - env:
          STACKS: \${{ matrix.stacks }}
          PULUMI_ACCESS_TOKEN: \${{ secrets.PULUMI_ACCESS_TOKEN }}
        run: |
          for s in $STACKS; do
            pulumi stack select "$PULUMI_ORG_PROJECT/$s" 2>/dev/null || {
              pulumi stack init "$PULUMI_ORG_PROJECT/$s" && pulumi config env add "$PULUMI_ESC_ENV" --yes &&
                pulumi config set accessplane:sliceFromStack true
            }
            { echo "### $s"; echo '\`\`\`'; pulumi preview --stack "$PULUMI_ORG_PROJECT/$s" --diff --non-interactive; echo '\`\`\`'; } > "preview-$s.md" 2>&1
          done
      - uses: actions/upload-artifact@v4
        with:
          name: preview-\${{ matrix.job }}
          path: preview-*.md

  comment:
    needs: preview
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      pull-requests: write
    steps:
      - uses: actions/download-artifact@v4
        with:
          pattern: preview-*
          merge-multiple: true
      - run: cat preview-*.md > previews.md
      - uses: marocchino/sticky-pull-request-comment@v2
        with:
          header: accessplane-stack-previews
          path: previews.md

  grant:
    needs: stacks
    if: github.event_name != 'pull_request' && needs.stacks.outputs.anyFirst == 'true'
    runs-on: ubuntu-latest
    strategy:
      fail-fast: true
      matrix: \${{ fromJSON(needs.stacks.outputs.first) }}
    steps: &create-steps
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - uses: pulumi/actions@v6
      - env:
          STACKS: \${{ matrix.stacks }}
          PULUMI_ACCESS_TOKEN: \${{ secrets.PULUMI_ACCESS_TOKEN }}
        run: |
          for s in $STACKS; do
            pulumi stack select "$PULUMI_ORG_PROJECT/$s" 2>/dev/null || {
              pulumi stack init "$PULUMI_ORG_PROJECT/$s" && pulumi config env add "$PULUMI_ESC_ENV" --yes &&
                pulumi config set accessplane:sliceFromStack true
            }
            targets=$(pulumi preview --json | jq -r '.steps[]? | select(.op == "create") | "--target=" + .urn')
            if [ -n "$targets" ]; then pulumi up --yes --non-interactive $targets; fi
          done

  grant-members:
    needs: [stacks, grant]
    if: \${{ !cancelled() && !failure() && github.event_name != 'pull_request' && needs.stacks.outputs.anyMembers == 'true' }}
    runs-on: ubuntu-latest
    strategy:
      fail-fast: true
      matrix: \${{ fromJSON(needs.stacks.outputs.members) }}
    steps: *create-steps

  revoke-members:
    needs: [stacks, grant, grant-members]
    if: \${{ !cancelled() && github.event_name != 'pull_request' && needs.stacks.outputs.anyMembers == 'true' }}
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix: \${{ fromJSON(needs.stacks.outputs.members) }}
    steps: &apply-steps
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - uses: pulumi/actions@v6
      - env:
          STACKS: \${{ matrix.stacks }}
          PULUMI_ACCESS_TOKEN: \${{ secrets.PULUMI_ACCESS_TOKEN }}
        run: |
          for s in $STACKS; do
            pulumi up --yes --non-interactive --stack "$PULUMI_ORG_PROJECT/$s"
          done

  revoke:
    needs: [stacks, grant, revoke-members]
    if: \${{ !cancelled() && github.event_name != 'pull_request' && needs.stacks.outputs.anyFirst == 'true' }}
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix: \${{ fromJSON(needs.stacks.outputs.first) }}
    steps: *apply-steps
`;
