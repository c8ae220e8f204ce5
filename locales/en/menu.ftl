### Welcome and main menu.

menu-welcome = Hi, I'm haven. I'm here to help, without judgment, and you don't have to tell me who you are. If someone is overdosing, call 911 now. What do you need?
menu-short = Here's what I can help with:
menu-choice-emergency = Someone is overdosing
menu-choice-naloxone = How to use naloxone
menu-choice-services = Find services nearby
menu-choice-safer-use = Safer use tips
menu-choice-treatment = Treatment options
menu-choice-human = Talk to a person
# The language menu choice names the *other* language, in that language.
menu-choice-language = Español
