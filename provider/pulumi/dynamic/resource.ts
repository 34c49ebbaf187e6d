/**
 * The one shape of every accessplane dynamic resource class: inputs in, the provider's outputs
 * exposed as Pulumi outputs. Program-side only (the resource classes are never serialised; their
 * provider instance is).
 */
import * as pulumi from "@pulumi/pulumi";
import type { WrappedInputs } from "./base";

/** Each property of `O` as a Pulumi output, as the resource exposes it. */
export type OutputProps<O> = { readonly [K in keyof O]-?: pulumi.Output<O[K]> };

/** The constructor of a dynamic resource taking `A` and exposing `O`. */
export type DynamicResourceClass<A, O> = new (
  name: string,
  args: WrappedInputs<A>,
  opts?: pulumi.CustomResourceOptions,
) => pulumi.dynamic.Resource & OutputProps<O>;

/**
 * The base class of the dynamic resource `accessplane:<type>` served by `provider`. `outputs` are
 * the properties only `read`/`create` fill in: they are registered as unknown so Pulumi exposes
 * them; `defaults` are inputs an argument may leave out.
 */
export function dynamicResource<A, O>(
  provider: pulumi.dynamic.ResourceProvider,
  type: string,
  outputs: readonly (keyof O & string)[] = [],
  defaults: Partial<Record<keyof A, unknown>> = {},
): DynamicResourceClass<A, O> {
  const unknown = Object.fromEntries(outputs.map((k) => [k, undefined]));
  class AccessplaneResource extends pulumi.dynamic.Resource {
    constructor(name: string, args: WrappedInputs<A>, opts?: pulumi.CustomResourceOptions) {
      super(provider, name, { ...defaults, ...args, ...unknown }, opts, "accessplane", type);
    }
  }
  // Pulumi sets every registered property on the instance as an output when it registers the resource.
  return AccessplaneResource as unknown as DynamicResourceClass<A, O>;
}
