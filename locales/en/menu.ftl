### Welcome and main menu.

menu-welcome = Hi, I'm haven. I'm here to help, without judgment, and you don't have to tell me who you are. If someone is overdosing, call 911 now. What do you need?
menu-short = { safety-line } Here's what I can help with:
# Asked when a message carries words of risk (an overdose, dying) but matched nothing: never a
# bare "didn't get that".
# Source: CDC "What to Do if You Think Someone is Overdosing" (cdc.gov/stop-overdose: call 911);
# 988lifeline.org (call or text 988).
menu-clarify = Is someone overdosing right now? If so, call 911 now. Thoughts of suicide: call or text 988, any time.
menu-choice-clarify-overdose = Yes, an overdose now
menu-choice-clarify-suicide = Thinking of suicide
menu-choice-clarify-no = No, something else
menu-choice-emergency = Someone is overdosing
menu-choice-naloxone = How to use naloxone
menu-choice-services = Find services nearby
menu-choice-safer-use = Safer use tips
menu-choice-treatment = Treatment options
menu-choice-human = Talk to a person
# The language menu choice names the *other* language, in that language.
menu-choice-language = Español
