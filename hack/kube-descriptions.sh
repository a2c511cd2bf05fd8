#!/usr/bin/env bash
# Extracts, from the OpenAPI document of the Kubernetes version the tests run (hack/versions.env), the descriptions
# of the core/v1 types that the API classes embed, and of every type those reach, into the resource that the CRD
# schema post-processor reads at build time. Run it when an API class embeds a new Kubernetes type or KUBE_VERSION
# changes; KubernetesDescriptionsTest says when it is due.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out="$REPO_DIR/src/main/resources/dev/terrarium/crd/kubernetes-descriptions.json"
dir="$(cd "${TMPDIR:-/tmp}" && go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",\?$/\1/p')"
openapi="$dir/api/openapi-spec/v3/api__v1_openapi.json"
roots="$(grep -ho '^import io\.fabric8\.kubernetes\.api\.model\.[A-Z][A-Za-z]*;' "$REPO_DIR"/src/main/java/dev/terrarium/api/*.java \
  | sed 's/.*\.\([A-Za-z]*\);/\1/' | sort -u | tr '\n' ' ')"
python3 - "$openapi" "$KUBE_VERSION" "$out" $roots <<'PY'
import json, sys

openapi, version, out, roots = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
schemas = json.load(open(openapi))["components"]["schemas"]
prefix = "io.k8s.api.core.v1."

def ref(prop):
    """The type a property holds: itself, through allOf, or as the items or values of a list or map."""
    if not isinstance(prop, dict):
        return None
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[1]
    for inner in prop.get("allOf", []) + [prop.get("items"), prop.get("additionalProperties")]:
        found = ref(inner)
        if found is not None:
            return found
    return None

types, todo = {}, [prefix + r for r in roots if prefix + r in schemas]
while todo:
    name = todo.pop()
    if name in types:
        continue
    properties = {}
    for key, prop in sorted(schemas[name].get("properties", {}).items()):
        entry = {"description": prop.get("description", "")}
        target = ref(prop)
        if target is not None and target in schemas:
            entry["type"] = target
            todo.append(target)
        properties[key] = entry
    types[name] = {"description": schemas[name].get("description", ""), "properties": properties}

with open(out, "w") as f:
    json.dump({"kubernetesVersion": version, "roots": {r: prefix + r for r in roots if prefix + r in schemas},
               "types": dict(sorted(types.items()))}, f, indent=1, sort_keys=False)
    f.write("\n")
print(f"{len(types)} types from Kubernetes {version} into {out}")
PY
