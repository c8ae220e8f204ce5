### Texts haven says on its own: SMS compliance, language, handoff, fallbacks.

# Operators: put your program's help contact (toll-free number or website) here. CTIA requires a
# help contact in the HELP reply (content-sources.md §5).
-help-contact = text MENU

# The resume and emergency lines are the product's own wording.
# Source: CTIA Messaging Principles via Twilio's compliance FAQ (one confirmation, no more
# messages); 988lifeline.org (call or text 988).
optout-confirm = You're unsubscribed from haven and won't get more messages. Reply START to resume. Emergency: call 911. Crisis: call or text 988.
# STOP in the web chat or on Telegram: no carrier opt-out there, so haven deletes what it kept and keeps answering.
forget-confirm = Done: I deleted what I kept about this chat. You can keep writing any time. Emergency: call 911. Crisis: call or text 988.
optin-confirm = Welcome back to haven. You can text me any time.

# Source: CTIA Short Code Monitoring Handbook via Twilio (program name, help contact, frequency,
# "Msg&data rates may apply", how to stop); 988lifeline.org.
help-info = haven: free, anonymous harm reduction support by text. Help: { -help-contact }. Msg frequency varies. Msg&data rates may apply. Reply STOP to opt out. Emergency: call 911. Crisis: call or text 988.

# Said once when one person sends more than the rate limit allows in a minute.
rate-limited = You are sending messages very fast, so I will pause for a minute. If someone is overdosing, call 911 now.

# The one line every answer to something not understood carries (PRODUCT.md, `other`).
# Source: CDC "What to Do if You Think Someone is Overdosing" (cdc.gov/stop-overdose: call 911);
# 988lifeline.org (call or text 988).
safety-line = Overdose: call 911. Thoughts of suicide: call or text 988.
not-understood = Sorry, I didn't get that. { safety-line } Pick one:
language-set = OK, I'll write in English.

human-intro = I'll try to connect you with a counselor, a real person.
handoff-queued = You're in line for a counselor. I'll tell you when someone joins. Send MENU to go back to the bot.
# Source: 988lifeline.org (24/7 call or text); samhsa.gov/find-help/national-helpline (free,
# confidential, 24/7, English and Spanish; referral and information, not counseling).
handoff-unavailable = I'm sorry, no counselor is available right now. You can call or text 988 any time, 24/7. For treatment info, call the SAMHSA Helpline 1-800-662-4357 (free, confidential, 24/7).
handoff-left = OK, you've left the counselor line. I'm the bot again.
# A web chat's very first message asks for a person: the visitor joins the line once they write
# again (issue 12: a visitor joins the queue only after a real exchange).
handoff-held = I can put you in line for a counselor. Send one more message with a few words about what's going on, and they'll read it first. If someone is overdosing, call 911 now.
# Too many open web chats wait for a counselor already (issue 12: bounded queue).
# Source: 988lifeline.org (24/7 call or text).
handoff-full = I'm sorry, counselors can't take more chats here right now. You can call or text 988 any time, 24/7. If someone is overdosing, call 911 now.
handoff-emergency-alerted = I've told your counselor too.

# Source: samhsa.gov/find-help/national-helpline (1-800-662-4357: free, confidential, 24/7,
# English and Spanish); FindTreatment.gov (SAMHSA locator); FDA 2023 approval of OTC Narcan.
refer-none = I don't have local listings for that yet. Find treatment and services at FindTreatment.gov or call the SAMHSA Helpline 1-800-662-4357 (free, confidential, 24/7, English and Spanish). Pharmacies sell Narcan without a prescription.

# Counselor handoff: honest about waits.
# Source: 988lifeline.org (call or text 988, 24/7).
handoff-out-of-hours = Counselors aren't on shift right now. If you're in danger, call 911; you can call or text 988 any time. If you want, write a message here and a counselor will read it next shift. Send MENU to go back to the bot.
handoff-position = You're number { $position } in line. If no one is free within { $minutes } minutes, I'll send you other options, and you'll stay in line.
handoff-waiting = Still looking for a counselor for you; you're number { $position } in line. Send MENU to go back to the bot.
# Source: 988lifeline.org; samhsa.gov/find-help/national-helpline.
handoff-timeout = No counselor is free yet, sorry. You're still in line. Meanwhile: call or text 988 any time, or call the SAMHSA Helpline 1-800-662-4357 (free, 24/7). In an emergency call 911.
handoff-assigned = A counselor is here now. Anything you write goes to them.
handoff-counselor-says = Counselor: { $text }
handoff-released = Your counselor had to step away. You're back in line for the next one.
handoff-closed = The counselor closed this chat. You're back with haven's bot: send MENU any time.
handoff-transferred = Another counselor is with you now. Anything you write goes to them.
# The one optional question after a counselor closes; the answer is only counted, never kept.
handoff-feedback = One question, if you like: did this chat help? Reply 1 yes, 2 somewhat, 3 no. Or just keep writing.
feedback-thanks = Thank you. That helps us do better. I'm here if you need anything: send MENU.

# The label of Telegram's button that sends the person's location pin when haven asks where they are.
telegram-share-location = 📍 Share my location

# The label of Telegram's button that leaves the counselor queue (it sends MENU).
telegram-leave = ↩️ Back to the bot
