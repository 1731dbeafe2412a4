"""The open data's part of the OpenAPI description: paths under /api/public/v1 (no token),
their schemas, and how to check a signature."""

from __future__ import annotations

from typing import Any

from registry import addresses, signing
from registry.api.open_data import FORMAT, FORMAT_VERSION, PUBLIC_STATES
from registry.policy.platforms import PLATFORMS

PUBLIC_PREFIX = "/api/public/v1"

VERIFICATION_STEPS = (
    "Every JSON, CSV and Atom answer of the open data is signed with the agency's Ed25519 key, "
    "over the response body exactly as sent (no timestamp inside, so the body and its "
    "signature fetched separately match while the register is unchanged). To check one: "
    "(1) fetch the document and keep its body bytes as received, without re-encoding; "
    f"(2) read the `{signing.HEADER}` header "
    '(`keyid="…", algorithm="ed25519", signature="<base64>"`) or fetch the same address '
    "with `.sig` appended (`key_id`, `signature`, and the body's `sha256`); "
    "(3) fetch `/api/public/v1/keys.json`, check the key id against the one on the "
    "register's open-data page (`/register/open-data`), and take that key's `public_key` "
    "(base64 of the raw 32 bytes); "
    "(4) Ed25519-verify the base64-decoded signature over the body bytes with that key. "
    "During a key change keys.json lists the previous key too (`status: previous`). A registry "
    "without a key serves the data unsigned: no header, `.sig` answers 404 and keys.json says "
    "`signed: false`."
)


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


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def public_schemas() -> dict[str, Any]:
    day = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    url = {"type": "string", "format": "uri"}
    version = {"type": "integer", "const": FORMAT_VERSION}
    states = list(PUBLIC_STATES.values())
    return {
        "Agency": _object(
            {
                "name": {"type": "string"},
                "te_reo_name": {"type": "string"},
                "domain": {"type": "string"},
                "register_url": url,
            },
            "Who publishes the register, and where people read it.",
        ),
        "PublicChannel": _object(
            {
                "reference": {"type": "string", "pattern": r"^C-\d{4,}$"},
                "name": {"type": "string"},
                "platform": {"type": "string", "description": "As people write it."},
                "platform_key": {"type": "string", "enum": list(PLATFORMS)},
                "handle": {"type": "string"},
                "channel_url": {
                    **_nullable(url),
                    "description": "The address the agency vouches for (it passes the "
                    "registry's Channel URL check); null if none does.",
                },
                "business_unit": _object({"code": {"type": "string"}, "name": {"type": "string"}}),
                "languages": {"type": "array", "items": {"type": "string"}},
                "state": {
                    "type": "string",
                    "enum": states,
                    "description": "active: official; closing: official until closes_on; "
                    "closed: was official, closed on closes_on, no longer monitored.",
                },
                "official": {"type": "boolean", "description": "active or closing."},
                "started_on": _nullable(day),
                "closes_on": {
                    **_nullable(day),
                    "description": "The closing day (ahead for closing, past for closed).",
                },
                "register_url": {**url, "description": "The channel on the public register."},
            }
        ),
        "PublicRegister": _object(
            {
                "format": {"type": "string", "const": FORMAT},
                "format_version": version,
                "agency": _ref("Agency"),
                "register_updated": {
                    "anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}],
                    "description": "The register's last change (also Last-Modified).",
                },
                "channels": {"type": "array", "items": _ref("PublicChannel")},
            },
            "Every channel that is or was official, by reference.",
        ),
        "VerifyAnswer": _object(
            {
                "format": {"type": "string", "const": "channel-verify"},
                "format_version": version,
                "agency": _ref("Agency"),
                "answer": {"type": "string", "enum": ["official", "was-official", "not-ours"]},
                "closed_on": {**_nullable(day), "description": "For was-official."},
                "matched_by": _nullable({"type": "string", "enum": ["address", "handle"]}),
                "channels": {"type": "array", "items": _ref("PublicChannel")},
                "other_agency": {
                    **_nullable(_ref("OtherAgencyAnswer")),
                    "description": "When the account is none of ours: a subscribed agency's "
                    "answer, from its last verified register (the all-of-government lookup).",
                },
            }
        ),
        "OtherAgencyAnswer": _object(
            {
                "agency": {"type": "string"},
                "answer": {"type": "string", "enum": ["official", "was-official"]},
                "closes_on": {
                    **_nullable(day),
                    "description": "Official until this day, or closed on it.",
                },
                "register_url": {**url, "description": "The channel on that agency's register."},
                "list_verified_at": _nullable({"type": "string", "format": "date-time"}),
                "matched_by": {"type": "string", "enum": ["address", "handle"]},
                "channel": _object(
                    {
                        "name": {"type": "string"},
                        "platform": {"type": "string"},
                        "platform_key": {"type": "string"},
                        "handle": {"type": "string"},
                    }
                ),
            },
            "Another agency's channel, as its signed register (verified here) lists it.",
        ),
        "SigningKey": _object(
            {
                "key_id": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
                "algorithm": {"type": "string", "const": signing.ALGORITHM},
                "public_key": {"type": "string", "description": "Base64, raw 32 bytes."},
                "public_key_pem": {"type": "string"},
                "status": {"type": "string", "enum": ["current", "previous"]},
            }
        ),
        "SigningKeys": _object(
            {
                "format": {"type": "string", "const": "signing-keys"},
                "format_version": version,
                "agency": _ref("Agency"),
                "signed": {"type": "boolean"},
                "algorithm": {"type": "string", "const": signing.ALGORITHM},
                "keys": {"type": "array", "items": _ref("SigningKey")},
            }
        ),
        "DetachedSignature": _object(
            {
                "key_id": {"type": "string"},
                "algorithm": {"type": "string", "const": signing.ALGORITHM},
                "signature": {"type": "string", "description": "Base64."},
                "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            }
        ),
    }


def _answer(description: str, media: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {
            "ETag": {"schema": {"type": "string"}, "required": True},
            "Cache-Control": {"schema": {"type": "string"}, "required": True},
            "Access-Control-Allow-Origin": {"schema": {"type": "string"}, "required": True},
            signing.HEADER: {
                "schema": {"type": "string"},
                "description": "The detached signature, when the registry signs.",
            },
        },
        "content": {media: {"schema": schema}},
    }


def _operation(operation_id: str, summary: str, ok: dict[str, Any], **more: Any) -> dict:
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "security": [],
            **more,
            "responses": {
                "200": ok,
                "304": {"description": "Not modified: the If-None-Match ETag is current."},
                "404": {"description": "The public register is not published.", "content": error},
                "429": {
                    "description": "Too many requests from one address; wait Retry-After.",
                    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                    "content": error,
                },
            },
        }
    }


def public_paths() -> dict[str, Any]:
    servers = [{"url": addresses.absolute(PUBLIC_PREFIX)}]
    register = _ref("PublicRegister")
    paths: dict[str, Any] = {
        "/channels.json": _operation(
            "publicRegisterJson",
            "Every official and closed channel (signed JSON)",
            _answer("The register.", "application/json", register),
        ),
        "/channels.csv": _operation(
            "publicRegisterCsv",
            "The same as CSV (signed)",
            _answer("The register, one channel a row.", "text/csv", {"type": "string"}),
        ),
        "/feed.atom": _operation(
            "publicRegisterFeed",
            "Channels going live, changing and closing, newest first (Atom)",
            _answer("An Atom feed.", "application/atom+xml", {"type": "string"}),
        ),
        "/verify": _operation(
            "verifyAccount",
            "Is this account the agency's?",
            _answer(
                "The answer the register's lookup gives.", "application/json", _ref("VerifyAnswer")
            ),
            description="Send `url` (the account's address), or `handle` and `platform`. "
            "The answer comes from the same lookup as the register's 'is this official?' page. "
            "Anything else is a 400 saying what to send.",
            parameters=[
                {"name": "url", "in": "query", "schema": {"type": "string", "maxLength": 500}},
                {"name": "handle", "in": "query", "schema": {"type": "string", "maxLength": 200}},
                {
                    "name": "platform",
                    "in": "query",
                    "schema": {"type": "string", "enum": list(PLATFORMS)},
                },
            ],
        ),
        "/keys.json": _operation(
            "signingKeys",
            "The public keys the open data is signed with",
            _answer("The keys.", "application/json", _ref("SigningKeys")),
        ),
    }
    for name in ("channels.json", "channels.csv", "feed.atom"):
        paths[f"/{name}.sig"] = _operation(
            f"signatureOf{name.split('.')[0].title()}{name.split('.')[1].title()}",
            f"The detached signature of {name}",
            _answer("The signature.", "application/json", _ref("DetachedSignature")),
        )
    paths["/verify"]["get"]["responses"]["400"] = {
        "description": "Missing or bad parameters: the error says what to send.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    for item in paths.values():
        item["servers"] = servers
    return paths
