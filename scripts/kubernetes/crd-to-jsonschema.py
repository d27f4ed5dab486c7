"""CustomResourceDefinition YAML -> one strict JSON schema per version, named as kubeconform looks
them up ({kind}_{version}.json), as kubeconform's openapi2jsonschema does: objects with properties
allow no others, int-or-string becomes a oneOf, apiVersion and kind are pinned.
Usage: crd-to-jsonschema.py OUT_DIR CRD.yaml..."""

import json
import os
import sys

import yaml


def strict(node):
    if isinstance(node, dict):
        if node.pop("x-kubernetes-int-or-string", False):
            node.pop("type", None)
            node["oneOf"] = [{"type": "string"}, {"type": "integer"}]
        if "properties" in node and "additionalProperties" not in node and not node.get(
            "x-kubernetes-preserve-unknown-fields"
        ):
            node["additionalProperties"] = False
        for value in node.values():
            strict(value)
    elif isinstance(node, list):
        for value in node:
            strict(value)
    return node


out = sys.argv[1]
for path in sys.argv[2:]:
    for crd in yaml.safe_load_all(open(path)):
        if not crd or crd.get("kind") != "CustomResourceDefinition":
            continue
        spec = crd["spec"]
        kind = spec["names"]["kind"]
        for version in spec["versions"]:
            schema = strict(version["schema"]["openAPIV3Schema"])
            schema.setdefault("properties", {})
            schema["properties"]["apiVersion"] = {"type": "string", "enum": [f"{spec['group']}/{version['name']}"]}
            schema["properties"]["kind"] = {"type": "string", "enum": [kind]}
            schema["properties"]["metadata"] = {"type": "object"}
            name = f"{kind.lower()}_{version['name']}.json"
            with open(os.path.join(out, name), "w") as f:
                json.dump(schema, f)
            print(f"wrote {name}", file=sys.stderr)
