#!/usr/bin/env python3
"""Write schemas/karpenter/*.yaml from Karpenter's CRDs: the structure, types, enums,
patterns, bounds and required fields of each version's openAPIV3Schema, without
descriptions, defaults or CEL rules; a field with a default is not required (defaults
apply before validation). Objects are closed (`additionalProperties: false`)
unless the CRD preserves unknown fields, as the API server prunes them. `metadata` refers
to the embedded ObjectMeta schema.

usage: scripts/karpenter-schemas.py CRD_DIR   (CRD_DIR/<version>/<group>_<plural>.yaml)
"""
import os
import sys

import yaml

KEEP = {
    "type", "properties", "required", "enum", "pattern", "items", "additionalProperties",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems",
    "minLength", "maxLength", "minProperties", "maxProperties", "anyOf", "allOf", "oneOf",
    "not", "nullable", "x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields",
}

# (output name, CRD version directory, CRD file, served version)
SCHEMAS = [
    ("provisioner-v1alpha5", "v1alpha5", "karpenter.sh_provisioners.yaml", "v1alpha5"),
    ("awsnodetemplate-v1alpha1", "v1alpha1", "karpenter.k8s.aws_awsnodetemplates.yaml", "v1alpha1"),
    ("nodeoverlay-v1alpha1", "v1alpha1", "karpenter.sh_nodeoverlays.yaml", "v1alpha1"),
    ("nodepool-v1beta1", "v1beta1", "karpenter.sh_nodepools.yaml", "v1beta1"),
    ("ec2nodeclass-v1beta1", "v1beta1", "karpenter.k8s.aws_ec2nodeclasses.yaml", "v1beta1"),
    ("nodepool-v1", "v1", "karpenter.sh_nodepools.yaml", "v1"),
    ("ec2nodeclass-v1", "v1", "karpenter.k8s.aws_ec2nodeclasses.yaml", "v1"),
]


def convert(s, top=False):
    out = {}
    for k, v in s.items():
        if k not in KEEP:
            continue
        if k == "properties":
            out[k] = {name: convert(p) for name, p in v.items()}
        elif k in ("items", "additionalProperties", "not") and isinstance(v, dict):
            out[k] = convert(v)
        elif k in ("anyOf", "allOf", "oneOf"):
            out[k] = [convert(x) for x in v]
        else:
            out[k] = v
    # Defaults are applied before validation: a field with one is never missing.
    if "required" in out:
        props = s.get("properties", {})
        out["required"] = [r for r in out["required"] if "default" not in props.get(r, {})]
        if not out["required"]:
            del out["required"]
    preserve = out.pop("x-kubernetes-preserve-unknown-fields", False)
    if out.pop("x-kubernetes-int-or-string", False):
        out.pop("type", None)
        out.setdefault("anyOf", [{"type": "integer"}, {"type": "string"}])
    if out.pop("nullable", False) and "type" in out:
        out["type"] = [out["type"], "null"]
    if out.get("type") == "object" and "properties" in out and not preserve:
        out.setdefault("additionalProperties", False)
    if top:
        out["properties"]["metadata"] = {"$ref": "urn:skinflint:kubernetes:object-meta"}
    return out


def main():
    crds, here = sys.argv[1], os.path.dirname(os.path.abspath(__file__))
    for name, vdir, fname, version in SCHEMAS:
        with open(os.path.join(crds, vdir, fname)) as f:
            crd = yaml.safe_load(f)
        v = next(x for x in crd["spec"]["versions"] if x["name"] == version)
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"urn:skinflint:karpenter:{name}",
        }
        schema.update(convert(v["schema"]["openAPIV3Schema"], top=True))
        out = os.path.join(here, "..", "schemas", "karpenter", name + ".yaml")
        with open(out, "w") as f:
            f.write(f"# {crd['spec']['group']}/{version} {crd['spec']['names']['kind']}, "
                    "from its CRD by scripts/karpenter-schemas.py\n")
            yaml.safe_dump(schema, f, sort_keys=False, width=100)


main()
