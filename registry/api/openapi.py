"""The API's OpenAPI 3.1 description, built from the same constants the code uses.

Generated rather than kept as a static file so the enums (platforms, states, sort keys) and
the server address cannot drift from what the API actually accepts and returns.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from registry import addresses
from registry.api.openapi_public import VERIFICATION_STEPS, public_paths, public_schemas
from registry.channels.models import ChannelState
from registry.inventory.filters import ATTENTION, FALSE_VALUES, TRUE_VALUES
from registry.inventory.queries import PER_PAGE_CHOICES, SORTS
from registry.policy.platforms import PLATFORMS

API_VERSION = "1.0.0"
_UTC_TIMESTAMP = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"
_DATE = r"^\d{4}-\d{2}-\d{2}$"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _object(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
    }
    if description:
        schema["description"] = description
    return schema


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _json(schema_name: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref(schema_name)}},
    }


def _schemas() -> dict[str, Any]:
    url = {"type": "string", "format": "uri"}
    timestamp = {
        "type": "string",
        "format": "date-time",
        "pattern": _UTC_TIMESTAMP,
        "description": "ISO 8601, UTC, to the second.",
    }
    day = {"type": "string", "format": "date", "pattern": _DATE}
    return {
        "Error": _object(
            {"error": {"type": "string", "description": "What went wrong, in a sentence."}}
        ),
        "FilterProblem": {
            "type": "object",
            "required": ["parameter", "value"],
            "additionalProperties": False,
            "properties": {
                "parameter": {"type": "string", "description": "The query parameter, as sent."},
                "value": {"type": "string", "description": "Its value, as sent."},
                "allowed": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "The values it accepts (for an unknown parameter: the "
                    "parameters there are).",
                },
                "minimum": {"type": "integer", "description": "For page: the first page."},
                "maximum": {
                    "type": "integer",
                    "description": "For page, once the listing is counted: its last page.",
                },
            },
        },
        "FilterError": _object(
            {
                "error": {"type": "string", "description": "What cannot be applied, and why."},
                "problems": {
                    "type": "array",
                    "minItems": 1,
                    "items": _ref("FilterProblem"),
                },
            },
            "The filters asked for cannot be applied; no channels are listed for them.",
        ),
        "BusinessUnit": _object(
            {
                "id": {"type": "integer"},
                "code": {"type": "string"},
                "name": {"type": "string"},
            }
        ),
        "Person": _object(
            {"name": {"type": "string"}, "email": {"type": "string", "format": "email"}}
        ),
        "Charter": _object(
            {
                "number": {"type": "string", "examples": ["MEC-CH-2026-0001"]},
                "sha256": {
                    "type": "string",
                    "pattern": "^[0-9a-f]{64}$",
                    "description": "SHA-256 of the charter PDF as issued.",
                },
                "url_verify": {
                    **url,
                    "description": "Public page where anyone can check a copy of the charter.",
                },
            },
            "The charter the channel currently runs under.",
        ),
        "ChannelLinks": _object(
            {
                "self": url,
                "html": {
                    **_nullable(url),
                    "description": "The channel's page in the registry, for people.",
                },
            }
        ),
        "Channel": _object(
            {
                "id": {"type": "integer"},
                "reference": {"type": "string", "pattern": r"^C-\d{4,}$"},
                "name": {"type": "string"},
                "platform": {"type": "string", "enum": list(PLATFORMS)},
                "platform_label": {
                    "type": "string",
                    "description": "The platform's name (for 'other', the name given).",
                },
                "handle": {"type": "string"},
                "channel_url": {
                    **_nullable(url),
                    "description": "The live account's address on the platform; null until it"
                    " goes live, or if the stored address is not the platform's page for the"
                    " handle.",
                },
                "languages": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "The languages the channel posts in, from the proposal it"
                    " was approved under; empty for a channel imported from before the registry.",
                },
                "business_unit": _ref("BusinessUnit"),
                "state": {
                    "type": "string",
                    "enum": [s.value for s in ChannelState],
                    "description": "; ".join(f"{s.value}: {s.label}" for s in ChannelState),
                },
                "no_charter": {
                    "type": "boolean",
                    "description": "Imported from before the registry: no charter on record.",
                },
                "liaison": {
                    **_nullable(_ref("Person")),
                    "description": "The Communications team liaison.",
                },
                "approved_at": _nullable(timestamp),
                "went_live_at": _nullable(timestamp),
                "review_due": _nullable(day),
                "decommissioned_on": {
                    **_nullable(day),
                    "description": "The closing date: official until then. Set once the channel"
                    " is closing (its closing checklist under way) or decommissioned.",
                },
                "charter": _nullable(_ref("Charter")),
                "links": _ref("ChannelLinks"),
            }
        ),
        "PageMeta": _object(
            {
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "enum": list(PER_PAGE_CHOICES)},
                "total": {"type": "integer", "minimum": 0},
                "pages": {"type": "integer", "minimum": 1},
            }
        ),
        "PageLinks": _object(
            {
                "self": url,
                "first": url,
                "last": url,
                "next": _nullable(url),
                "prev": _nullable(url),
            },
            "Absolute addresses of pages of the same listing, filters kept.",
        ),
        "ChannelList": _object(
            {
                "data": {"type": "array", "items": _ref("Channel")},
                "meta": _ref("PageMeta"),
                "links": _ref("PageLinks"),
            }
        ),
    }


def _list_parameters() -> list[dict[str, Any]]:
    return [
        _query(
            "unit",
            {"type": "integer", "minimum": 1},
            "Business unit id: one of the units the token's owner may see.",
        ),
        _query("platform", {"type": "string", "enum": list(PLATFORMS)}, "Platform."),
        _query("state", {"type": "string", "enum": [s.value for s in ChannelState]}, "State."),
        _query(
            "review",
            {"type": "string", "enum": ["overdue", "due-soon"]},
            "Active channels whose review is overdue, or due within 30 days.",
        ),
        _query(
            "attention",
            {"type": "string", "enum": list(ATTENTION)},
            "Active channels whose account security record is incomplete, or channels whose "
            "people no longer meet the policy.",
        ),
        _query(
            "no_charter",
            {"type": "string", "enum": [*TRUE_VALUES, *FALSE_VALUES]},
            "Only channels imported with no charter on record.",
        ),
        _query(
            "q",
            {"type": "string", "maxLength": 200},
            "Text in the channel's name or handle (case-insensitive).",
        ),
        _query("sort", {"type": "string", "enum": list(SORTS), "default": "name"}, "Sort key."),
        _query(
            "direction",
            {"type": "string", "enum": ["asc", "desc"], "default": "asc"},
            "Sort direction.",
        ),
        _query(
            "page",
            {"type": "integer", "minimum": 1, "default": 1},
            "Page number; a page past the last one is refused (400, naming the last page).",
        ),
        _query(
            "per_page",
            {"type": "integer", "enum": list(PER_PAGE_CHOICES), "default": PER_PAGE_CHOICES[0]},
            "Channels per page.",
        ),
    ]


def openapi_document() -> dict[str, Any]:
    base_url = addresses.base_url()
    agency = current_app.config["AGENCY_NAME"]
    errors = {
        "401": {"$ref": "#/components/responses/Unauthorized"},
        "403": {"$ref": "#/components/responses/Forbidden"},
    }
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Channel governance registry API",
            "version": API_VERSION,
            "description": (
                f"Read-only access to the {agency} inventory of social media channels. "
                "Create a token on the registry's API tokens page (/account/tokens) and send it "
                "as `Authorization: Bearer <token>`. A token sees what its owner sees in the "
                "inventory: the Communications team, the Manager Communications and the Chief "
                "Executive see every channel; a business unit's DCE sees that unit's.\n\n"
                "The open data (paths under /api/public/v1, no token, published with the "
                "public register) lists every channel that is or was official, answers 'is "
                "this official?', and carries a news feed. " + VERIFICATION_STEPS
            ),
        },
        "servers": [{"url": f"{base_url}/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/channels": {
                "get": {
                    "operationId": "listChannels",
                    "summary": "List channels in the inventory",
                    "description": (
                        "The same filters as the inventory page; a blank value means any. An "
                        "unknown parameter, or a value that is not one of those listed, is "
                        "refused with 400 naming the parameter and the values it accepts, "
                        "never ignored (which would list every channel)."
                    ),
                    "parameters": _list_parameters(),
                    "responses": {
                        "200": _json("ChannelList", "One page of channels."),
                        "400": _json("FilterError", "A filter that cannot be applied."),
                        **errors,
                    },
                }
            },
            "/channels/{channel_id}": {
                "get": {
                    "operationId": "getChannel",
                    "summary": "One channel",
                    "parameters": [
                        {
                            "name": "channel_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 1},
                        }
                    ],
                    "responses": {
                        "200": _json("Channel", "The channel."),
                        **errors,
                        "404": {"$ref": "#/components/responses/NotFound"},
                    },
                }
            },
            **public_paths(),
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "The OpenAPI document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token (it starts `reg_`).",
                }
            },
            "responses": {
                "Unauthorized": {
                    **_json("Error", "No token, or the token is unknown or revoked."),
                    "headers": {
                        "WWW-Authenticate": {"schema": {"type": "string"}, "required": True}
                    },
                },
                "Forbidden": _json("Error", "The token's owner may not see the inventory."),
                "NotFound": _json("Error", "No such channel, or not one the owner may see."),
            },
            "schemas": {**_schemas(), **public_schemas()},
        },
    }
