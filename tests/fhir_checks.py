"""Checks that an exported Bundle is valid FHIR R4 (fhir.resources R4B models) and that every
reference in it points at an entry of the expected type."""

from collections import Counter
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

UUID_PREFIX = "urn:uuid:"


def references(node: Any):
    """Every `reference` string in a resource, with the element path that holds it."""

    def walk(value: Any, path: str):
        if isinstance(value, dict):
            for key, child in value.items():
                if key == "reference" and isinstance(child, str):
                    yield path, child
                else:
                    yield from walk(child, f"{path}.{key}" if path else key)
        elif isinstance(value, list):
            for child in value:
                yield from walk(child, path)

    yield from walk(node, "")


def validate_bundle(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Validate the Bundle and each resource with its R4B model; answer the entries by fullUrl.

    Also: fullUrls are unique `urn:uuid:<resource id>`, and every reference resolves inside the
    bundle (fhir.resources does not check reference targets).
    """
    Bundle.model_validate(bundle)
    by_url: dict[str, dict[str, Any]] = {}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert entry["fullUrl"] == UUID_PREFIX + resource["id"]
        assert entry["fullUrl"] not in by_url, "duplicate fullUrl"
        by_url[entry["fullUrl"]] = resource
    for resource in by_url.values():
        for path, reference in references(resource):
            assert reference in by_url, f"{resource['resourceType']}.{path} dangles"
    return by_url


def resource_counts(bundle: dict[str, Any]) -> Counter:
    return Counter(entry["resource"]["resourceType"] for entry in bundle["entry"])


def target(by_url: dict[str, dict[str, Any]], reference: dict[str, str]) -> dict[str, Any]:
    return by_url[reference["reference"]]


def codes(concept: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c["system"], c["code"]) for c in concept.get("coding", [])}
