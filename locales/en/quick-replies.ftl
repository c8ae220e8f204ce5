### Quick replies: texts a counselor inserts with one click in the console (or sends with
### `/quick N id` in the Telegram group), always in the person's language.
###
### Operators: add your own. Every message whose id starts with `quick-` is a quick reply; its
### `.label` is the counselor's button. It must exist in every language, cite its source, and
### may use only `{ $place }` (the ZIP or place the counselor types): then the nearest services
### from the directory follow the text. `haven check` checks all of this.

# Source: FDA Narcan 4 mg OTC Drug Facts (press plunger firmly; one dose per device; do not test;
# call 911; repeat every 2-3 minutes; stay); NARCAN prescription IFU (on the back, head tilted;
# new spray in the other nostril; then on their side).
quick-naloxone =
    Naloxone (Narcan) nasal spray, step by step:
    1. Lay them on their back and tilt the head back.
    2. Nozzle in a nostril, press the plunger firmly. Don't test it first.
    3. Call 911.
    4. No response after 2-3 minutes? A new spray in the other nostril.
    5. Roll them onto their side and stay until help comes.
    .label = Naloxone steps

# Source: 988lifeline.org/get-help/what-to-expect (call or text 988, 24/7, free and confidential).
quick-988 = You can call or text 988, the Suicide & Crisis Lifeline, any time, day or night. It's free and confidential.
    .label = 988 crisis line

# Source: samhsa.gov/find-help/national-helpline (free, confidential, 24/7, English and Spanish;
# referral and information); FindTreatment.gov (SAMHSA's locator).
quick-treatment = If you'd like to look at treatment, on your terms: FindTreatment.gov lists places near you, and the SAMHSA Helpline 1-800-662-4357 is free, confidential and open 24/7.
    .label = Treatment options

# Not a medical or legal statement: a heading for the operator's directory listing (haven services
# import), the same list the bot sends.
quick-services = Here are services near { $place }:
    .label = Nearest services (ZIP)
