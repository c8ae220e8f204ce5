### Closings, repeats and the way out after two misunderstandings (flows/conversation.yaml).

conversation-close = You're welcome. I'm here any time, day or night: just text me.
# During the overdose steps a closing gets the one line that matters.
# Source: CDC "What to Do if You Think Someone is Overdosing" (cdc.gov/stop-overdose: stay with
# the person until emergency workers arrive; call 911).
conversation-close-emergency = Stay with them until help arrives. If they stop breathing or you can't wake them, call 911 now and give naloxone again.
# Source: CDC "What to Do if You Think Someone is Overdosing" (cdc.gov/stop-overdose: call 911);
# 988lifeline.org (call or text 988).
conversation-stuck = Sorry, I'm not getting it. If someone is overdosing, call 911 now. Thoughts of suicide: call or text 988.
# Source: CDC "What to Do if You Think Someone is Overdosing" (cdc.gov/stop-overdose: call 911);
# 988lifeline.org (call or text 988).
conversation-stuck-person = Sorry, I'm not getting it. To talk to a person, reply PERSON. If someone is overdosing, call 911 now. Thoughts of suicide: call or text 988.
