"""Templates: spec models (``spec``), file loading (``load``), lookup by name (``registry``)."""
from .load import load_template_file, parse_template
from .registry import all_templates, discover, get_template
from .spec import COLOR_ROLES, TEXT_ROLES, Template


def json_schema() -> dict:
    """JSON Schema of the template format, for editors (``creative template schema``)."""
    schema = Template.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "creative template"
    return schema


__all__ = [
    "COLOR_ROLES", "TEXT_ROLES", "Template", "all_templates", "discover", "get_template",
    "json_schema", "load_template_file", "parse_template",
]
