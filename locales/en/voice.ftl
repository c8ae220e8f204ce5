### What only a phone call says (bot/channels/voice, bot/speech): the opening, the keypad, the
### counselor transfer, places read aloud. Write numbers as in any text: a call reads 911, 988,
### phone numbers and ZIP codes digit by digit by itself (bot/speech/words.rs).

# The first thing every caller hears, before the menu, in every language.
# Source: CDC "What to Do if You Think Someone is Overdosing" (cdc.gov/stop-overdose/response):
# call 911 and give naloxone.
voice-opening = If someone is overdosing right now, call 911 first, even if you have to hang up, and give naloxone if you have it. For the overdose steps, press 0 at any time.
# One choice of a step as a keypad digit.
voice-press = Press { $digit } for { $label }.
# Said at the end of every step.
voice-keys = To hear this again, press star.
# After a silence. Nothing is hung up on a silent caller for a long while: they may be busy
# with the overdose steps.
voice-silence = I'm still here. To hear that again, press star. If someone is overdosing, press 0. You can also just talk.
# Source: CDC "What to Do if You Think Someone is Overdosing" (cdc.gov/stop-overdose: call 911).
voice-goodbye = I'll hang up now. You can call back any time. If someone is overdosing, call 911.

# Putting a caller through to a counselor's phone.
voice-connecting = I'm calling a counselor for you now. This call is not recorded. Please stay on the line.
voice-trying-next = That counselor couldn't answer. I'm trying another one. Please stay on the line.
# Source: 988lifeline.org/get-help/what-to-expect (call 988, 24/7; press 2 for Spanish).
voice-no-counselor = No counselor can answer right now. You can talk to the 988 Suicide and Crisis Lifeline now: press 1 and I'll connect you. You can also call 988 yourself any time, day or night. Press 2 for the menu.
# Source: 988lifeline.org (the Lifeline answers calls to 988 24/7).
voice-lifeline = Connecting you to the 988 Lifeline now. If the call drops, dial 988.
# Source: CDC "What to Do if You Think Someone is Overdosing" (cdc.gov/stop-overdose: call 911).
voice-after-call = Thank you for calling haven. You can call back any time. If someone is overdosing, call 911.
# What a counselor hears on picking up, before the caller is put through: said in the caller's
# language, so the counselor knows it.
voice-whisper = This is haven, with a caller who asked for a counselor. Press 1 to take the call.

# A place of a referral list, read aloud (the phone number comes digit by digit).
voice-place = { $number }. { $name }, { $distance }.
voice-place-open = Open now.
voice-place-closed = Closed now.
voice-place-phone = Phone number: { $digits }.

## Spoken forms of texts whose written form does not sound right on a call.

menu-welcome-voice = Hi, this is haven. I'm here to help, without judgment, and you don't have to tell me who you are. What do you need?
language-set-voice = OK, I'll speak English.
conversation-close-voice = You're welcome. You can call or text any time, day or night.
feedback-thanks-voice = Thank you. That helps us do better. I'm here if you need anything.
# Source: CDC "What to Do if You Think Someone is Overdosing" (cdc.gov/stop-overdose: call 911);
# 988lifeline.org (call or text 988).
conversation-stuck-person-voice = Sorry, I'm not getting it. To talk to a person, just say: a person. If someone is overdosing, call 911 now, or press 0 for the steps. Thoughts of suicide: call 988.
# Source: CDC "What to Do if You Think Someone is Overdosing" (cdc.gov/stop-overdose: call 911);
# 988lifeline.org (call or text 988).
conversation-stuck-voice = Sorry, I'm not getting it. If someone is overdosing, call 911 now, or press 0 for the steps. Thoughts of suicide: call 988.
# Source: CDC "What to Do if You Think Someone is Overdosing" (cdc.gov/stop-overdose: call 911);
# 988lifeline.org (call or text 988).
forget-confirm-voice = Done: I deleted what I kept about this call. If someone is overdosing, call 911. Thoughts of suicide: call 988.
services-ask-where-voice = What's your ZIP code or neighborhood? Say it, or type the 5 digits of your ZIP code and press pound. I keep it only until this call ends.
services-where-again-voice = I couldn't find that place. Say the name of your neighborhood, or type a 5-digit ZIP code and press pound.

# One step at a time, each its own sentence, read slowly with a pause after each.
# Source: SAMHSA Opioid Overdose Prevention Toolkit (SMA18-4742), Five Essential Steps (sternal
# rub; "Someone is unresponsive and not breathing" and the address); FDA Narcan Drug Facts
# (CHECK, GIVE, "Do not test nasal spray device before use", CALL 911, WATCH & GIVE after 2-3
# minutes; one device holds one dose); NARCAN Quick Start Guide, Emergent (lay on the back; each
# new dose with a new spray in the other nostril); CDC "What You Should Know About Xylazine"
# (naloxone "will not cause harm if opioids are not involved").
emergency-steps-voice =
    Here is what to do, one step at a time.
    Step 1. Shout their name and rub your knuckles hard on their breastbone.
    Step 2. Naloxone. Lay them on their back. Put the nozzle in a nostril and press the plunger firmly. Don't test it first. It won't hurt if it isn't opioids.
    Step 3. Call 911 on speaker if you haven't. Say: someone is unresponsive and not breathing. Then say where you are.
    Step 4. Wait 2 to 3 minutes. If they are still not breathing normally, give another dose with a new device, in the other nostril.
