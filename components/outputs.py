"""What a component registers as its outputs: the outputs its class declares.

Pulumi's component analyzer publishes a component's annotated attributes as its outputs in the
package schema, and the plugin returns them from those attributes to every language
(pulumi/provider/experimental/component.py, `get_state`). `register` sends the engine the same
names and values, so a stack built from Python holds the outputs that one built through the
plugin does, and no component keeps a hand-written list that can drift from its schema.
"""

import inspect
from typing import Any

import pulumi
from pulumi.provider.experimental.util import camel_case


def declared(component: pulumi.ComponentResource) -> dict[str, Any]:
    """The component's declared outputs by schema name; unset ones are left out, as the
    plugin leaves them out."""
    names: dict[str, Any] = {}
    # As the analyzer reads them (analyzer.py, `analyze_type`): every class's annotations but
    # the SDK's, private names left out.
    for cls in reversed(type(component).__mro__):
        if cls not in (object, pulumi.Resource, pulumi.ComponentResource):
            names.update(inspect.get_annotations(cls))
    # Every component sets each output it declares, None where it has none.
    values = {camel_case(name): getattr(component, name) for name in names if not name.startswith("_")}
    return {name: value for name, value in values.items() if value is not None}


def register(component: pulumi.ComponentResource) -> None:
    """Register the component's declared outputs (call last in `__init__`)."""
    component.register_outputs(declared(component))
