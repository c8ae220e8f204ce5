### Naloxone how-to (not an emergency). Sources in content-sources.md §1.

# Source: FDA Narcan 4 mg OTC Drug Facts (over-the-counter since 2023); CDC ("If you aren't
# sure, treat it like an overdose"); FDA label ("it is safe to keep giving doses").
naloxone-what = Naloxone (Narcan) reverses an opioid overdose, including fentanyl. The nasal spray is sold without a prescription. If you aren't sure it's an overdose, treat it like one and give it.

# Source: NARCAN Quick Start Guide / prescription IFU (lay on back, tilt head back, insert until
# fingers touch the nose); FDA Drug Facts (press plunger firmly; one device holds one dose; do
# not test before use; call 911 right after the first dose).
naloxone-how =
    How to use the nasal spray:
    1. Lay the person on their back and tilt the head back.
    2. Put the nozzle in a nostril until your fingers touch the nose.
    3. Press the plunger firmly. Don't test it first: each device holds one dose.
    4. Call 911.

# Source: NARCAN prescription IFU (recovery position; new spray in the other nostril); FDA Drug
# Facts (wait 2-3 minutes, repeat; stay); FDA prescribing information (can wear off first).
naloxone-after = Then roll them onto their side. Wait 2-3 minutes; if they don't wake up, give a new spray in the other nostril. Stay with them: naloxone can wear off before the opioid does.

# Source: none needed (a question).
naloxone-more = What else would help?
naloxone-choice-signs = Signs of an overdose
naloxone-choice-injection = Injectable naloxone
naloxone-choice-xylazine = Xylazine (tranq)
naloxone-choice-get = Where to get it
naloxone-choice-menu = Something else

# Source: CDC "What to Do if You Think Someone is Overdosing" (signs; "If you aren't sure,
# treat it like an overdose").
naloxone-signs = Signs of an opioid overdose: can't be woken up; slow, shallow or no breathing; choking, gurgling or snoring sounds; blue or gray lips and nails; tiny pupils. Not sure? Treat it like an overdose.

# Source: NEXT Distro handout and Remedy Alliance (harm-reduction sources, not FDA): whole 1 mL
# vial of 0.4 mg/mL, into thigh or upper arm, repeat after 2-3 minutes; defer to the kit insert.
naloxone-injection = Injectable naloxone (vial and syringe): draw up the whole 1 mL vial, inject straight into the thigh or upper arm, and repeat after 2-3 minutes if they still aren't breathing. Follow the insert in your kit.

# Source: FDA on xylazine (naloxone is not known to reverse xylazine; keep giving naloxone when an
# opioid overdose is suspected; watch breathing).
naloxone-xylazine = Xylazine (tranq) is often mixed with fentanyl. Naloxone doesn't reverse xylazine, but still give it: it reverses the opioid. Watch the breathing: someone may stay sleepy even when naloxone is working.
