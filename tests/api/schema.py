"""A checker for the subset of JSON Schema docs/openapi.json uses: $ref (to
#/components/schemas), type (a name or a list, "integer" excluding booleans), required,
properties, additionalProperties (false or a schema), items, enum, pattern, minimum, allOf,
oneOf (exactly one must fit). Returns the list of problems, each with the JSON path where it was found."""
import re

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
KNOWN = {"$ref", "type", "required", "properties", "additionalProperties", "items", "enum",
         "pattern", "allOf", "oneOf", "description", "minimum"}


def resolve(doc, schema):
    while "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/"), ref
        node = doc
        for part in ref[2:].split("/"):
            node = node[part]
        schema = node
    return schema


def check(doc, schema, value, path="$"):
    schema = resolve(doc, schema)
    unknown = set(schema) - KNOWN
    if unknown:  # a keyword this checker would silently skip is a bug in the checker
        return [f"{path}: schema uses unsupported keywords {sorted(unknown)}"]
    problems = []
    for sub in schema.get("allOf", []):
        problems += check(doc, sub, value, path)
    if "oneOf" in schema:
        fits = [not check(doc, sub, value, path) for sub in schema["oneOf"]]
        if fits.count(True) != 1:
            problems.append(f"{path}: matches {fits.count(True)} of the oneOf schemas, not 1")
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(TYPES[t](value) for t in types):
            return problems + [f"{path}: {value!r:.60} is not {'/'.join(types)}"]
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{path}: {value!r:.60} not in {schema['enum']}")
    if ("minimum" in schema and isinstance(value, (int, float)) and not isinstance(value, bool)
            and value < schema["minimum"]):
        problems.append(f"{path}: {value} is below the minimum {schema['minimum']}")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        problems.append(f"{path}: {value!r:.60} does not match {schema['pattern']}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                problems.append(f"{path}: required {key!r} missing")
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, v in value.items():
            if key in props:
                problems += check(doc, props[key], v, f"{path}.{key}")
            elif extra is False:
                problems.append(f"{path}: unexpected {key!r}")
            elif isinstance(extra, dict):
                problems += check(doc, extra, v, f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            problems += check(doc, schema["items"], v, f"{path}[{i}]")
    return problems
