/** Shared by the example programs: load the YAML beside a program and expand it into an AccessEstate. */
import * as fs from "node:fs";
import * as path from "node:path";
import { AccessEstate, loadEstate, type Providers } from "../provider";

/** Loads `policies.yaml`, `inventory.yaml` (and `accessplane.yaml` if present) from `dir`; fails with every error. */
export function runExample(dir: string, name: string, providers: Providers = {}): AccessEstate {
  const config = path.join(dir, "accessplane.yaml");
  // Throws one InputError listing every issue when the example has errors.
  const estate = loadEstate({
    policies: path.join(dir, "policies.yaml"),
    inventory: path.join(dir, "inventory.yaml"),
    config: fs.existsSync(config) ? config : undefined,
  });
  return new AccessEstate(name, { ...estate, providers });
}
