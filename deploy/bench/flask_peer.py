"""The peer `haven bench http --peer` compares haven with: what a small team writes instead.

A Flask app behind gunicorn that checks Twilio's signature with twilio-python's
RequestValidator and answers with a TwiML MessagingResponse, choosing the reply by keyword.
It keeps nothing: no sessions, no deduplication, no durable writes. See ARCHITECTURE.md,
Performance, for how it was run:

    python3 -m venv /tmp/peer && /tmp/peer/bin/pip install flask twilio gunicorn
    /tmp/peer/bin/gunicorn -w 2 -b 127.0.0.1:8000 --chdir deploy/bench flask_peer:app
    ./target/release/haven bench http --peer http://127.0.0.1:8000

The auth token is the benchmark's own fake one (bot/cli/bench.rs).
"""

from flask import Flask, abort, request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

app = Flask(__name__)
validator = RequestValidator("bench-auth-token-0123456789abcdef")

REPLIES = [
    (("wake", "breathing", "respira", "blue"), "Call 911 now. Give naloxone if you have it."),
    (("narcan", "naloxone", "naloxona"), "Spray one dose into a nostril. Call 911."),
    (("needles", "consigo"), "Send your ZIP code and I'll find services near you."),
    (("talk", "someone"), "Connecting you with a counselor."),
]


@app.post("/sms/twilio")
def sms():
    signature = request.headers.get("X-Twilio-Signature", "")
    if not validator.validate(request.url, request.form, signature):
        abort(403)
    body = request.form.get("Body", "").lower()
    reply = next((r for keys, r in REPLIES if any(k in body for k in keys)), "Hi, how can I help?")
    resp = MessagingResponse()
    resp.message(reply)
    return str(resp), 200, {"Content-Type": "text/xml"}
