"""Signs in as the demo's commissioner and writes a schemathesis config naming real records.

Usage: prepare.py BASE_URL PASSWORD CONFIG_OUT TOKEN_OUT

The demo register gives the fuzzer people, admissions, reviews, actions and referrals to chew
on; a return is generated here so the return routes have one. Routes with an `{id}` then get a
real id (schemathesis would otherwise mostly meet 404). Standard library only.
"""

import json
import sys
import urllib.request

base, password, config_out, token_out = sys.argv[1:5]


def call(method, path, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.load(resp)


token = call("POST", "/api/v1/login", body={"username": "commissioner", "password": password})[
    "token"
]
people = call("GET", "/api/v1/people?per_page=500", token)["items"]
inpatient = next(p for p in people if p["in_hospital"])
community = next(p for p in people if not p["in_hospital"])
admission = call("GET", f"/api/v1/people/{inpatient['id']}/admissions", token)["items"][0]
review = next(r for r in call("GET", "/api/v1/reviews?status=scheduled", token)["items"])
action = call("GET", "/api/v1/actions?status=open", token)["items"][0]
referral = call("GET", "/api/v1/referrals?status=awaiting_decision", token)["items"][0]
returned = call("POST", "/api/v1/returns", token, {"kind": "monthly", "period": "2026-01"})

ids = [
    # Most person routes get someone in the community, the admission and visit routes an
    # inpatient (so their rules are reached, not only "not in hospital").
    (r"^/api/v1/people/\{id\}/(visits|admissions)$", inpatient["id"]),
    (
        r"^/api/v1/people/\{id\}(/(consent/withdraw|close|risk-assessments|ratings|reviews|due|notes|chronology|documents))?$",
        community["id"],
    ),
    (r"^/api/v1/admissions/\{id\}", admission["id"]),
    (r"^/api/v1/reviews/\{id\}", review["id"]),
    (r"^/api/v1/actions/\{id\}", action["id"]),
    (r"^/api/v1/referrals/\{id\}", referral["id"]),
    (r"^/api/v1/returns/\{id\}", returned["id"]),
]
with open(config_out, "w") as f:
    for regex, value in ids:
        f.write("[[operations]]\n")
        f.write(f"include-path-regex = {json.dumps(regex)}\n")
        f.write(f'parameters = {{ "path.id" = {json.dumps(value)} }}\n\n')
with open(token_out, "w") as f:
    f.write(token)
