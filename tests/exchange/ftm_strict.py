"""A strict reading of a FollowTheMoney JSON-lines file with the followthemoney package.

`problems(lines)` lists everything a strict reader would refuse or change: an unknown or
abstract schema, an unknown or reverse-only property, a value that the property type's cleaner
does not return unchanged (or that is too long), a reference to an entity that is not in the
file or not of the property's range, a required property missing, an id FtM would not keep, a
second entity with the same id. It imports nothing from the project, so it also runs on its own
against another FtM version: `python tests/exchange/ftm_strict.py export.jsonl`.
"""

import json
import sys

from followthemoney import model


def entities_of(lines):
    return [json.loads(line) for line in lines if line.strip()]


def _value_problems(where, prop, values):
    if not isinstance(values, list) or not values:
        return [f"{where}: not a non-empty list: {values!r}"]
    found = []
    for value in values:
        if not isinstance(value, str):
            found.append(f"{where}: not a string: {value!r}")
            continue
        try:
            cleaned = prop.type.clean(value, format=prop.format)
        except Exception as error:
            cleaned = f"<{error}>"
        if cleaned != value:
            found.append(f"{where}: {value!r} is cleaned to {cleaned!r}")
        if len(value) > prop.max_length:
            found.append(f"{where}: {len(value)} characters, more than {prop.max_length}")
    return found


def problems(entities):
    """Everything wrong with `entities` (dicts as read from the file), as messages; [] when none."""
    found = []
    schemata = {}
    id_type = model.get("Thing").get("proof").type
    for entity in entities:
        if set(entity) != {"id", "schema", "properties"}:
            found.append(f"{entity.get('id')}: keys {sorted(entity)}")
        entity_id = entity.get("id")
        if not isinstance(entity_id, str) or id_type.clean(entity_id) != entity_id or len(entity_id) > 200:
            found.append(f"{entity_id!r}: not an id FtM keeps")
        if entity_id in schemata:
            found.append(f"{entity_id}: twice in the file")
        schema = model.get(entity.get("schema"))
        if schema is None or schema.abstract:
            found.append(f"{entity_id}: unknown or abstract schema {entity.get('schema')!r}")
            continue
        schemata[entity_id] = schema
    for entity in entities:
        entity_id, schema = entity.get("id"), schemata.get(entity.get("id"))
        if schema is None or not isinstance(entity.get("properties"), dict):
            continue
        properties = entity["properties"]
        for name in schema.required:
            if not properties.get(name):
                found.append(f"{entity_id}: required {schema.name}:{name} missing")
        for name, values in properties.items():
            prop = schema.get(name)
            where = f"{entity_id} {schema.name}:{name}"
            if prop is None or prop.stub:
                found.append(f"{where}: no such property, or only a reverse one")
                continue
            found.extend(_value_problems(where, prop, values))
            if prop.type.name != "entity":
                continue
            for value in values if isinstance(values, list) else []:
                target = schemata.get(value)
                if value == entity_id:
                    found.append(f"{where}: refers to itself")
                elif target is None:
                    found.append(f"{where}: {value} is not in the file")
                elif not target.is_a(prop.range):
                    found.append(f"{where}: {value} is a {target.name}, not a {prop.range.name}")
        found.extend(_round_trip_problems(entity, schema))
    return found


def _round_trip_problems(entity, schema):
    """What FtM's own reader, cleaning everything, would write differently."""
    try:
        proxy = model.get_proxy(entity, cleaned=False)
    except Exception as error:
        return [f"{entity['id']}: FtM's reader refuses it: {error}"]
    written = {name: sorted(values) for name, values in entity["properties"].items()}
    read = {name: sorted(values) for name, values in proxy.to_dict()["properties"].items()}
    if proxy.schema != schema or proxy.id != entity["id"] or read != written:
        return [f"{entity['id']}: FtM's reader reads it as {proxy.schema.name} {proxy.id} {read}"]
    return []


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as file:
        entities = entities_of(file)
    messages = problems(entities)
    print("\n".join(messages) or f"{len(entities)} entities, no problems")
    sys.exit(1 if messages else 0)
