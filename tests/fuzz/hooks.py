"""Schemathesis hooks for tests/fuzz/run: who calls, from where, and on which real items.

Environment (set by tests/fuzz/run):
  FUZZ_FIXTURES    the JSON written by tests/fuzz/setup.mjs
  FUZZ_CREDENTIAL  psk | ptk | wst: every request of this run carries that credential
  FUZZ_BASE_URL    the live `wrangler dev`
  FUZZ_IP_BASE     first two octets of this run's CF-Connecting-IP addresses (e.g. 10.37)

- Path ids: most generated ids are replaced by the id of a seeded item, so the item routes are
  reached and not only their 404; a few stay as generated (the 404 answer is fuzzed too). The
  choice depends only on the generated value, so a case replays the same way.
- Visitor token (wst): rotated before the per-session limit (60 / 60 s) would answer 429 to
  everything, and replaced when a fuzzed call ends it (revoke, refresh) or moves it to another
  visitor (boot / identify with another userId, which identityVerification "off" allows).
  A fresh token comes from POST /v1/boot with the run's userId: the same visitor, so the seeded
  conversations and ticket stay its own.
- CF-Connecting-IP (the key of the per-IP limits): distinct per run, and moved on every
  IP_ROTATE requests so the 300 / 60 s per-IP limit does not hide the routes behind 429s.
"""

from __future__ import annotations

import json
import os
import threading
import zlib

import requests
import schemathesis

FIXTURES = json.load(open(os.environ["FUZZ_FIXTURES"], encoding="utf-8"))
CREDENTIAL = os.environ["FUZZ_CREDENTIAL"]
BASE_URL = os.environ["FUZZ_BASE_URL"].rstrip("/")
IP_BASE = os.environ.get("FUZZ_IP_BASE", "10.1")
FX = FIXTURES[CREDENTIAL]
IDS = FX["ids"]

REAL_ID_PERCENT = 85
TOKEN_USES = 45  # < 60 per 60 s per session token
IP_ROTATE = 150  # < 300 per 60 s per route group and IP

_lock = threading.Lock()
_state = {"token": FX["credentials"]["wst"], "uses": 0, "dead": False, "requests": 0, "boots": 0}


def _use_real(value) -> bool:
    return zlib.crc32(repr(value).encode("utf-8", "surrogatepass")) % 100 < REAL_ID_PERCENT


def _ip(n: int) -> str:
    block = n // IP_ROTATE
    return f"{IP_BASE}.{block // 250 % 250}.{block % 250 + 1}"


def _real_path_ids(method: str, path: str) -> dict:
    """The seeded ids for an operation's path template."""
    parts = path.strip("/").split("/")
    family = {"outbound", "tooltips", "tours", "surveys", "checklists", "segments", "collections", "articles", "teammates"}
    if parts[:2] == ["admin", "v1"] and len(parts) > 3:
        coll = parts[2]
        if coll in family:
            which = "victim" if method == "DELETE" else "spare" if parts[-1] == "archive" else "main"
            return {"id": IDS[coll][which]}
        if coll == "visitors":
            return {"id": IDS["visitor"]}
        if coll == "tickets":
            return {"id": IDS["ticket"]}
        if coll == "conversations":
            return {"id": IDS["conversations"]["closable" if parts[-1] == "close" else "open"]}
    if parts[:1] == ["v1"] and len(parts) > 2:
        coll = parts[1]
        if coll == "checklists":
            return {"id": IDS["checklists"]["main"], "taskId": IDS["checklistTasks"]}
        if coll in ("tours", "surveys", "articles"):
            return {"id": IDS[coll]["main"]}
        if coll == "tickets":
            return {"id": IDS["ticket"]}
        if coll == "conversations":
            return {"id": IDS["conversations"]["rated" if parts[-1] == "csat" else "open"]}
    return {}


def _fresh_token() -> str:
    """A new session token for the run's visitor (same userId, so the same visitor)."""
    for attempt in range(20):
        _state["boots"] += 1
        r = requests.post(
            f"{BASE_URL}/v1/boot",
            json={"workspaceId": FX["workspaceId"], "userId": FX["userId"]},
            headers={"CF-Connecting-IP": f"{IP_BASE}.251.{_state['boots'] % 250 + 1}"},
            timeout=30,
        )
        if r.status_code == 200:
            return r.json()["sessionToken"]
    raise RuntimeError(f"fuzz hooks: cannot boot a fresh visitor session: {r.status_code} {r.text}")


def _visitor_token() -> str:
    with _lock:
        if _state["dead"] or _state["uses"] >= TOKEN_USES:
            _state["token"] = _fresh_token()
            _state["uses"] = 0
            _state["dead"] = False
        _state["uses"] += 1
        return _state["token"]


def _credential() -> str:
    if CREDENTIAL == "wst":
        return _visitor_token()
    return FX["credentials"][CREDENTIAL]


def _set_header(headers: dict, name: str, value: str) -> None:
    for k in [k for k in headers if k.lower() == name.lower()]:
        del headers[k]
    headers[name] = value


# What a valid answer to each seeded survey question looks like (tests/lib/fixtures.mjs).
SURVEY_ANSWERS = {
    "nps": 9, "why": "Fast support", "features": ["Reports", "Chat"], "role": "Developer",
    "ease": 6, "stars": 4, "mood": 2, "name": "Ada",
}


def _segment_refs(rule):
    """The rule with every segment reference pointing at the seeded segment (most of the time)."""
    if isinstance(rule, list):
        return [_segment_refs(r) for r in rule]
    if not isinstance(rule, dict):
        return rule
    out = {k: _segment_refs(v) for k, v in rule.items()}
    if isinstance(out.get("segmentId"), str) and _use_real(out["segmentId"]):
        out["segmentId"] = IDS["segments"]["main"]
    return out


def _real_body_ids(path, body):
    """Ids a body names (segments, collections, teammates, survey questions) → seeded ones,
    most of the time, so valid bodies are not refused only for naming nothing."""
    body = dict(body)
    if "audience" in body or "rule" in body:
        for k in ("audience", "rule"):
            if k in body:
                body[k] = _segment_refs(body[k])
    if path.startswith("/admin/v1/articles") and isinstance(body.get("collectionId"), str) and _use_real(body["collectionId"]):
        body["collectionId"] = IDS["collections"]["main"]
    if path == "/admin/v1/workspace" and isinstance(body.get("automation"), dict):
        topics = body["automation"].get("topicAssignees")
        if isinstance(topics, dict):
            body["automation"] = {**body["automation"], "topicAssignees": {t: IDS["teammates"]["main"] if _use_real(w) else w for t, w in topics.items()}}
    if path == "/v1/surveys/{id}/responses" and isinstance(body.get("answers"), list):
        answers, seen = [], set()
        for a in body["answers"]:
            if isinstance(a, dict) and _use_real(a.get("questionId")):
                q = list(SURVEY_ANSWERS)[zlib.crc32(repr(a).encode("utf-8", "surrogatepass")) % len(SURVEY_ANSWERS)]
                if q in seen:
                    continue
                seen.add(q)
                a = {**a, "questionId": q, "value": SURVEY_ANSWERS[q]}
            answers.append(a)
        body["answers"] = answers
    return body


@schemathesis.hook
def before_call(context, case, kwargs):
    op = case.operation
    method = op.method.upper()
    # Path ids → seeded items (mostly).
    real = _real_path_ids(method, op.path)
    if real and case.path_parameters:
        params = dict(case.path_parameters)
        for name, value in real.items():
            if name in params and _use_real(params[name]):
                params[name] = value[zlib.crc32(repr(params[name]).encode("utf-8", "surrogatepass")) % len(value)] if isinstance(value, list) else value
        case.path_parameters = params
    # Ids inside bodies that name another object of the workspace.
    body = case.body
    if isinstance(body, dict):
        case.body = body = _real_body_ids(op.path, body)
        if op.path == "/v1/boot" and _use_real(body.get("workspaceId")):
            case.body = {**body, "workspaceId": FX["workspaceId"]}
        elif op.path == "/v1/impressions" and _use_real(body.get("contentId")):
            kind = body.get("kind")
            families = {"outbound": "outbound", "tooltip": "tooltips", "tour": "tours", "survey": "surveys", "checklist": "checklists"}
            family = families.get(kind) if isinstance(kind, str) else None
            if family:
                case.body = {**body, "contentId": IDS[family]["main"]}
        elif op.path.endswith("/assign") and "teammateId" in body and body["teammateId"] is not None and _use_real(body["teammateId"]):
            case.body = {**body, "teammateId": IDS["teammates"]["main"]}
    # Who calls, from where.
    with _lock:
        n = _state["requests"]
        _state["requests"] += 1
    headers = dict(case.headers or {})
    _set_header(headers, "Authorization", f"Bearer {_credential()}")
    _set_header(headers, "CF-Connecting-IP", _ip(n))
    case.headers = headers


@schemathesis.hook
def after_call(context, case, response):
    if CREDENTIAL != "wst":
        return
    sent = response.request.headers.get("Authorization", "")
    with _lock:
        if sent != f"Bearer {_state['token']}":
            return
        path = case.operation.path
        status = response.status_code
        if status in (401, 429):
            _state["dead"] = True
        elif path == "/v1/session/revoke" and status == 204:
            _state["dead"] = True
        elif path == "/v1/session/refresh" and status == 200:
            _state["token"] = response.json()["sessionToken"]
            _state["uses"] = 0
        elif path in ("/v1/boot", "/v1/identify") and status == 200:
            if response.json().get("visitor", {}).get("userId") != FX["userId"]:
                _state["dead"] = True
